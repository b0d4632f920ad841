// Package realkubectl plays the seed lessons with the real kubectl,
// built from k8s.io/kubernetes v1.37.2, against `rollsim serve`, and
// holds its output to the corpus goldens.
package realkubectl

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// build compiles a main package of the module into dir.
func build(t *testing.T, dir, name, pkg string) string {
	t.Helper()
	out := filepath.Join(dir, name)
	cmd := exec.Command("go", "build", "-o", out, pkg)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, b)
	}
	return out
}

// server is a running `rollsim serve`.
type server struct {
	cmd        *exec.Cmd
	kubeconfig string
	home       string
}

func startServer(t *testing.T, rollsim string) *server {
	t.Helper()
	dir := t.TempDir()
	s := &server{kubeconfig: filepath.Join(dir, "kubeconfig"), home: filepath.Join(dir, "home")}
	s.cmd = exec.Command(rollsim, "serve", "--kubeconfig", s.kubeconfig)
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	s.cmd.Stderr = &stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() || !strings.Contains(lines.Text(), "serving the Kubernetes API on https://127.0.0.1:") {
		s.cmd.Process.Kill()
		t.Fatalf("rollsim serve did not start: %q %s", lines.Text(), stderr.String())
	}
	go func() {
		for lines.Scan() {
		}
	}()
	t.Cleanup(func() {
		s.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- s.cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("rollsim serve: %v\n%s", err, stderr.String())
			}
		case <-time.After(10 * time.Second):
			s.cmd.Process.Kill()
			t.Error("rollsim serve did not stop on SIGTERM")
		}
	})
	return s
}

// kubectl runs the real kubectl in dir as a person would, with the
// server's kubeconfig in the environment (a --kubeconfig flag would land
// in the change-cause --record writes).
func (s *server) kubectl(t *testing.T, kubectl, dir string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	cmd := exec.Command(kubectl, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "KUBECONFIG="+s.kubeconfig, "HOME="+s.home, "KUBECACHEDIR="+filepath.Join(s.home, "cache"))
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

// golden reads a lesson's trace: each command with the lines it printed.
func golden(t *testing.T, path string) (cmds []string, outs [][]string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		switch {
		case strings.HasPrefix(line, "$ "):
			cmds = append(cmds, strings.TrimPrefix(line, "$ "))
			outs = append(outs, nil)
		case line == "out:" || strings.HasPrefix(line, "out: "):
			outs[len(outs)-1] = append(outs[len(outs)-1], strings.TrimPrefix(strings.TrimPrefix(line, "out:"), " "))
		}
	}
	return cmds, outs
}

// printed returns kubectl's lines but for rollout status's progress lines,
// which depend on when its watch sees each step, without their trailing
// blanks, as the goldens keep them.
func printed(stdout string) []string {
	var out []string
	if stdout == "" {
		return nil
	}
	for _, l := range strings.Split(strings.TrimSuffix(stdout, "\n"), "\n") {
		if !strings.HasPrefix(l, "Waiting for deployment ") {
			out = append(out, strings.TrimRight(l, " \t"))
		}
	}
	return out
}

func TestSeedLessons(t *testing.T) {
	if testing.Short() {
		t.Skip("builds kubectl")
	}
	bin := t.TempDir()
	kubectl := build(t, bin, "kubectl", "k8s.io/kubernetes/cmd/kubectl")
	rollsim := build(t, bin, "rollsim", "github.com/rollsim/rollsim/cmd/rollsim")
	for _, lesson := range []string{"classic-rolling-update", "rollback-lesson"} {
		t.Run(lesson, func(t *testing.T) {
			dir := filepath.Join("..", "testdata", "corpus", lesson)
			s := startServer(t, rollsim)
			cmds, outs := golden(t, filepath.Join(dir, "golden.trace"))
			for i, c := range cmds {
				stdout, stderr, err := s.kubectl(t, kubectl, dir, strings.Fields(c)...)
				if err != nil {
					t.Fatalf("kubectl %s: %v\n%s", c, err, stderr)
				}
				got, want := strings.Join(printed(stdout), "\n"), strings.Join(outs[i], "\n")
				if got != want {
					t.Errorf("kubectl %s:\ngot:\n%s\nwant:\n%s\nstderr:\n%s", c, got, want, stderr)
				}
			}
			// What a person does next: look, pause, resume, restart.
			for _, c := range []struct {
				args string
				want []string
			}{
				{"get deployments,rs,pods", []string{"deployment.apps/httpd", "replicaset.apps/httpd-", "pod/httpd-", "READY", "Running"}},
				{"describe deployment httpd", []string{"Name:                   httpd", "Replicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable", "ScalingReplicaSet"}},
				{"rollout pause deployment/httpd", []string{"deployment.apps/httpd paused"}},
				{"rollout resume deployment/httpd", []string{"deployment.apps/httpd resumed"}},
				{"rollout restart deployment/httpd", []string{"deployment.apps/httpd restarted"}},
				{"rollout status deployment/httpd", []string{`deployment "httpd" successfully rolled out`}},
			} {
				stdout, stderr, err := s.kubectl(t, kubectl, dir, strings.Fields(c.args)...)
				if err != nil {
					t.Fatalf("kubectl %s: %v\n%s", c.args, err, stderr)
				}
				for _, w := range c.want {
					if !strings.Contains(stdout, w) {
						t.Errorf("kubectl %s: no %q in\n%s\nstderr:\n%s", c.args, w, stdout, stderr)
					}
				}
			}
		})
	}
}
