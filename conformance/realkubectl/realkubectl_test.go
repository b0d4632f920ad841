// Package realkubectl plays the seed lessons with the real kubectl,
// built from k8s.io/kubernetes v1.37.2, against `rollsim serve`, and
// holds its output to the corpus goldens.
package realkubectl

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildOnce              sync.Once
	kubectlBin, rollsimBin string
	buildErr               error
)

// binaries builds kubectl and rollsim once for every test.
func binaries(t *testing.T) (kubectl, rollsim string) {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "realkubectl")
		if err != nil {
			buildErr = err
			return
		}
		for _, b := range []struct {
			out *string
			pkg string
		}{{&kubectlBin, "k8s.io/kubernetes/cmd/kubectl"}, {&rollsimBin, "github.com/rollsim/rollsim/cmd/rollsim"}} {
			*b.out = filepath.Join(dir, filepath.Base(b.pkg))
			if out, err := exec.Command("go", "build", "-o", *b.out, b.pkg).CombinedOutput(); err != nil {
				buildErr = fmt.Errorf("go build %s: %v\n%s", b.pkg, err, out)
				return
			}
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return kubectlBin, rollsimBin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if kubectlBin != "" {
		os.RemoveAll(filepath.Dir(kubectlBin))
	}
	os.Exit(code)
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

// kubectlCombined runs kubectl with its stdout and stderr on one stream,
// as a terminal shows them.
func (s *server) kubectlCombined(t *testing.T, kubectl, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command(kubectl, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "KUBECONFIG="+s.kubeconfig, "HOME="+s.home, "KUBECACHEDIR="+filepath.Join(s.home, "cache"))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.Run()
	return out.String()
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
	kubectl, rollsim := binaries(t)
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
			// A forced delete removes a pod at once; a server-side dry
			// run, which rollsim does not make, is refused and deletes
			// nothing.
			stdout, stderr, err := s.kubectl(t, kubectl, dir, "get", "pods", "-o", "name")
			if err != nil || stdout == "" {
				t.Fatalf("kubectl get pods -o name: %v\n%s", err, stderr)
			}
			victim := strings.Fields(stdout)[0]
			if stdout, stderr, err = s.kubectl(t, kubectl, dir, "delete", victim, "--grace-period=0", "--force"); err != nil || !strings.Contains(stdout, "force deleted") {
				t.Errorf("kubectl delete %s --force: %v\n%s\nstderr:\n%s", victim, err, stdout, stderr)
			}
			if _, _, err = s.kubectl(t, kubectl, dir, "get", victim); err == nil {
				t.Errorf("%s is still there after a forced delete", victim)
			}
			if _, stderr, err = s.kubectl(t, kubectl, dir, "delete", "deployment", "httpd", "--dry-run=server"); err == nil || !strings.Contains(stderr, "dry run is not supported by rollsim") {
				t.Errorf("kubectl delete --dry-run=server: %v\n%s", err, stderr)
			}
			if _, stderr, err = s.kubectl(t, kubectl, dir, "get", "deployment", "httpd"); err != nil {
				t.Errorf("a refused dry run deleted the Deployment: %v\n%s", err, stderr)
			}
		})
	}
}

// warning reports kubectl's warnings, which the goldens leave out.
func warning(l string) bool {
	return strings.HasPrefix(l, "Warning: ") || strings.HasPrefix(l, "Flag --record has been deprecated")
}

// corpus are the scenarios of the corpus made only of kubectl commands
// (no config, no sleep), but for the seed lessons, played above, and two
// whose `rollout status --timeout` kubectl measures on the wall clock,
// which --time=auto leaves behind: it reaches the progress deadline first.
var corpus = strings.Fields(`apply-unchanged-and-configured create-deployment delete-pod-unknown
	errors-invalid-manifests errors-invalid-pod-templates errors-unknown-deployment helm-chart-release
	min-ready-seconds multi-document-manifest nodes-delete-node pause-edit-resume pause-errors
	percent-both-round-to-zero percent-defaults-five-replicas percent-rounding-seven-replicas
	record-change-cause recreate-basic revision-history-limit-two revision-history-limit-zero
	scale-to-zero-and-back set-image-all-containers single-replica-default-strategy surge-percent-large
	surge0-unavail1 surge3-unavail2-ten-replicas template-defaults
	template-optional-fields unavailable-100-percent undo-after-apply-record undo-previous
	undo-to-revision-outcomes undo-without-history zero-replicas-from-start`)

// TestCorpus plays more of the corpus with the real kubectl: errors and
// all, its output on one stream as a terminal shows it, equals the
// goldens' but for warnings and rollout status's progress lines.
func TestCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("builds kubectl")
	}
	kubectl, rollsim := binaries(t)
	for _, name := range corpus {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("..", "testdata", "corpus", name)
			s := startServer(t, rollsim)
			cmds, outs := golden(t, filepath.Join(dir, "golden.trace"))
			for i, c := range cmds {
				var got []string
				for _, l := range printed(s.kubectlCombined(t, kubectl, dir, strings.Fields(c)...)) {
					if !warning(l) {
						got = append(got, l)
					}
				}
				if g, w := strings.Join(got, "\n"), strings.Join(outs[i], "\n"); g != w {
					t.Errorf("kubectl %s:\ngot:\n%s\nwant:\n%s", c, g, w)
				}
			}
		})
	}
}
