package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
	watchtools "k8s.io/client-go/tools/watch"

	"github.com/rollsim/rollsim/internal/fixture"
	"github.com/rollsim/rollsim/kubeapi"
	"github.com/rollsim/rollsim/kubectl"
)

// syncBuffer is a buffer the server writes on one goroutine and the test
// reads on another.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServe(t *testing.T) {
	dir := t.TempDir()
	kubeconfig := filepath.Join(dir, "kubeconfig")
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- serve(ctx, []string{"--kubeconfig", kubeconfig, "-f", "../../examples/rolling-update/httpd.yml"}, &stdout, &stderr, ready)
	}()
	var url string
	select {
	case url = <-ready:
	case code := <-done:
		t.Fatalf("serve exited %d: %s", code, stderr.String())
	}
	require.Contains(t, stdout.String(), "serving the Kubernetes API on "+url)

	insecure := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	resp, err := insecure.Get(url + "/apis/apps/v1/namespaces/default/deployments")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)

	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	require.NoError(t, err)
	cs, err := kubernetes.NewForConfig(cfg)
	require.NoError(t, err)
	deps := cs.AppsV1().Deployments("default")
	d, err := deps.Get(ctx, "httpd", metav1.GetOptions{})
	require.NoError(t, err)
	_, err = deps.Get(ctx, "nope", metav1.GetOptions{})
	require.True(t, apierrors.IsNotFound(err))

	// kubectl rollout status's wait: with --time=auto it returns at once.
	d.Spec.Template.Spec.Containers[0].Image = "httpd:2.2.32"
	_, err = deps.Update(ctx, d, metav1.UpdateOptions{})
	require.NoError(t, err)
	wctx, wcancel := context.WithTimeout(ctx, 20*time.Second)
	defer wcancel()
	// The list and watch kubectl rollout status makes: one Deployment, by name.
	lw := cache.NewListWatchFromClient(cs.AppsV1().RESTClient(), "deployments", "default",
		fields.OneTermEqualSelector("metadata.name", "httpd"))
	var last string
	_, err = watchtools.UntilWithSync(wctx, lw, &appsv1.Deployment{}, nil, func(e watch.Event) (bool, error) {
		d, err := kubeapi.FromDeployment(e.Object.(*appsv1.Deployment))
		if err != nil {
			return false, err
		}
		st := kubectl.Status(d)
		last = st.Message
		return st.Done, nil
	})
	require.NoError(t, err)
	require.Equal(t, `deployment "httpd" successfully rolled out`, last)

	cancel()
	require.Equal(t, 0, <-done, stderr.String())
	require.Contains(t, stdout.String(), "rollsim: stopped")
	b, err := os.ReadFile(kubeconfig)
	require.NoError(t, err)
	require.Contains(t, string(b), "server: "+url)
}

func TestServeUsage(t *testing.T) {
	code, _, errOut := runCLI("serve", "--time", "sometimes")
	require.Equal(t, 2, code)
	require.Contains(t, errOut, `unknown time mode "sometimes"`)
	code, _, errOut = runCLI("serve", "--start", "yesterday")
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "--start")
	code, _, errOut = runCLI("serve", "-f", "no-such.yml")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "no-such.yml")
}

// --time=real starts at the wall clock and follows it; manual moves only
// when asked.
func TestServeTimeModes(t *testing.T) {
	for _, mode := range []string{"real", "manual"} {
		t.Run(mode, func(t *testing.T) {
			kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			ready := make(chan string, 1)
			var stdout, stderr syncBuffer
			done := make(chan int, 1)
			go func() {
				done <- serve(ctx, []string{"--kubeconfig", kubeconfig, "--time", mode, "--speed", "100"}, &stdout, &stderr, ready)
			}()
			url := <-ready
			cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
			require.NoError(t, err)
			cs, err := kubernetes.NewForConfig(cfg)
			require.NoError(t, err)
			_, err = cs.AppsV1().Deployments("default").Create(ctx, fixture.APIDeployment("web", "web:1", 1), metav1.CreateOptions{})
			require.NoError(t, err)
			if mode == "manual" {
				time.Sleep(100 * time.Millisecond)
				d, err := cs.AppsV1().Deployments("default").Get(ctx, "web", metav1.GetOptions{})
				require.NoError(t, err)
				require.Zero(t, d.Status.AvailableReplicas, "manual: the clock stands still")
				req, _ := http.NewRequest("POST", url+"/rollsim/advance?by=5s", nil)
				req.Header.Set("Authorization", "Bearer "+cfg.BearerToken)
				insecure := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
				resp, err := insecure.Do(req)
				require.NoError(t, err)
				resp.Body.Close()
				require.Equal(t, http.StatusOK, resp.StatusCode)
			}
			require.Eventually(t, func() bool {
				d, err := cs.AppsV1().Deployments("default").Get(ctx, "web", metav1.GetOptions{})
				return err == nil && d.Status.AvailableReplicas == 1
			}, 10*time.Second, 20*time.Millisecond)
			if mode == "real" {
				d, err := cs.AppsV1().Deployments("default").Get(ctx, "web", metav1.GetOptions{})
				require.NoError(t, err)
				require.WithinDuration(t, time.Now(), d.CreationTimestamp.Time, time.Minute)
			}
			cancel()
			require.Equal(t, 0, <-done, stderr.String())
		})
	}
}
