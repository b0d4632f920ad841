package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/subtle"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/kubeapi"
	"github.com/rollsim/rollsim/manifest"
)

// listFlag collects a flag given several times.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func serveCmd(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serve(ctx, args, stdout, stderr, nil)
}

const serveSynopsis = `serve [--listen ADDR] [--kubeconfig FILE] [--nodes FILE] [-f MANIFEST]... [--time auto|real|manual] [--speed N]
      [--pod-startup D] [--pod-shutdown D] [--never-ready IMAGE]... [--crash-loop IMAGE]...

Serves the Kubernetes API of a simulated cluster on 127.0.0.1, over TLS
with a self-signed certificate, and writes a kubeconfig for it (with that
certificate and a random bearer token; requests without it get 401).
kubectl, client-go and controller-runtime use it as a real cluster's.

Time: auto (the default) keeps the clock still while no client waits and,
while every open request is a watch, jumps from timed event to timed event;
real follows the wall clock, --speed times faster; manual moves only on
POST /rollsim/advance?by=DURATION. A client's own timeouts (rollout status
--timeout) are on the wall clock, which auto leaves behind: use real for
them. Stops on SIGINT or SIGTERM.
`

// serve runs the server until ctx is done; ready, when set, receives the
// address once it listens.
func serve(ctx context.Context, args []string, stdout, stderr io.Writer, ready chan<- string) int {
	fset := newFlags("serve", serveSynopsis, stdout, stderr)
	listen := fset.String("listen", "127.0.0.1:0", "address to listen on (port 0: one is chosen)")
	kubeconfig := fset.String("kubeconfig", "", "where to write the kubeconfig (default: rollsim.kubeconfig in the temporary directory)")
	nodes := fset.String("nodes", "", "a manifest of v1 Nodes to start with")
	var manifests listFlag
	fset.Var(&manifests, "f", "a manifest (Deployments, Nodes) to apply at start; may be repeated")
	timeMode := fset.String("time", "auto", "what moves the clock: auto, real or manual")
	speed := fset.Float64("speed", 1, "with --time=real, how many times faster than the wall clock")
	seed := fset.Uint64("seed", 1, "seed for pod names and UIDs")
	podStartup := fset.Duration("pod-startup", rollsim.DefaultPodStartup, "how long a pod takes from binding to Ready")
	podShutdown := fset.Duration("pod-shutdown", 0, "how long a deleted pod stays Terminating (at most its terminationGracePeriodSeconds; 0: gone at once)")
	var neverReady, crashLoop listFlag
	fset.Var(&neverReady, "never-ready", "an image whose pods never become Ready; may be repeated")
	fset.Var(&crashLoop, "crash-loop", "an image whose containers exit once started and restart with the kubelet's back-off; may be repeated")
	start := fset.String("start", "", "where the clock starts: an RFC 3339 time, or now (default: now with --time=real, 2024-01-01T00:00:00Z otherwise, for the same output at every run)")
	if code, ok := parse(fset, args, stdout); !ok {
		return code
	}
	if fset.NArg() > 0 {
		fmt.Fprintf(stderr, "rollsim serve: unexpected argument %q\n", fset.Arg(0))
		return 2
	}
	mode, err := kubeapi.ParseTimeMode(*timeMode)
	if err != nil {
		fmt.Fprintln(stderr, "rollsim serve:", err)
		return 2
	}
	if *speed <= 0 {
		fmt.Fprintln(stderr, "rollsim serve: --speed must be greater than 0")
		return 2
	}
	var startAt time.Time
	switch {
	case *start == "now" || (*start == "" && mode == kubeapi.RealTime):
		// kubectl words ages from the wall clock: a clock that follows
		// it must start there.
		startAt = time.Now().UTC().Truncate(time.Second)
	case *start != "":
		if startAt, err = time.Parse(time.RFC3339, *start); err != nil {
			fmt.Fprintf(stderr, "rollsim serve: --start: want an RFC 3339 time or now, got %q\n", *start)
			return 2
		}
	}
	if *podStartup < 0 || *podShutdown < 0 {
		fmt.Fprintln(stderr, "rollsim serve: --pod-startup and --pod-shutdown must not be negative")
		return 2
	}
	c := rollsim.New(rollsim.Config{Seed: *seed, PodStartup: *podStartup, PodShutdown: *podShutdown, Start: startAt})
	for _, img := range neverReady {
		c.SetNeverReady(img)
	}
	for _, img := range crashLoop {
		c.SetCrashLoop(img)
	}
	files := manifests
	if *nodes != "" {
		files = append([]string{*nodes}, files...)
	}
	if err := setUp(c, files); err != nil {
		fmt.Fprintln(stderr, "rollsim serve:", err)
		return 1
	}

	token, err := newToken()
	if err != nil {
		fmt.Fprintln(stderr, "rollsim serve:", err)
		return 1
	}
	want := []byte("Bearer " + token)
	h := kubeapi.NewHandler(c, kubeapi.Options{Seed: *seed, Authorize: func(r *http.Request) bool {
		return subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) == 1
	}})
	defer h.Close()

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintln(stderr, "rollsim serve:", err)
		return 1
	}
	cert, caPEM, err := selfSigned(ln.Addr())
	if err != nil {
		ln.Close()
		fmt.Fprintln(stderr, "rollsim serve:", err)
		return 1
	}
	url := "https://" + ln.Addr().String()
	path := *kubeconfig
	if path == "" {
		path = filepath.Join(os.TempDir(), "rollsim.kubeconfig")
	}
	if err := os.WriteFile(path, []byte(kubeconfigFor(url, token, caPEM)), 0o600); err != nil {
		ln.Close()
		fmt.Fprintln(stderr, "rollsim serve:", err)
		return 1
	}

	mux := http.NewServeMux()
	mux.Handle("/", h)
	mux.HandleFunc("POST /rollsim/advance", func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			http.Error(w, "Unauthorized", http.StatusUnauthorized)
			return
		}
		by, err := time.ParseDuration(r.URL.Query().Get("by"))
		if err != nil || by < 0 {
			http.Error(w, "by: want a duration such as 10s", http.StatusBadRequest)
			return
		}
		var now time.Time
		h.Do(func(c *rollsim.Cluster) { c.Advance(by); now = c.Now() })
		fmt.Fprintln(w, now.Format(time.RFC3339))
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second,
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}}
	clockCtx, stopClock := context.WithCancel(ctx)
	defer stopClock()
	go h.RunClock(clockCtx, mode, *speed)
	served := make(chan error, 1)
	go func() { served <- srv.ServeTLS(ln, "", "") }()
	fmt.Fprintf(stdout, "rollsim: serving the Kubernetes API on %s (time: %s)\n", url, *timeMode)
	fmt.Fprintf(stdout, "rollsim: kubeconfig written to %s; try: kubectl --kubeconfig %s get deployments\n", path, path)
	if ready != nil {
		ready <- url
	}
	select {
	case <-ctx.Done():
	case err := <-served:
		fmt.Fprintln(stderr, "rollsim serve:", err)
		return 1
	}
	// Watches last until their clients go: end them first, so that
	// Shutdown has only short requests to wait for.
	h.Close()
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		fmt.Fprintln(stderr, "rollsim serve:", err)
	}
	fmt.Fprintln(stdout, "rollsim: stopped")
	return 0
}

// setUp applies the manifests' objects as one `kubectl apply -f` each.
func setUp(c *rollsim.Cluster, files []string) error {
	for _, f := range files {
		objs, err := manifest.Load(f)
		if err != nil {
			return err
		}
		err = c.Batch(func() error {
			for _, o := range objs {
				switch {
				case o.Deployment != nil:
					if _, err := c.CreateDeployment(o.Deployment); err != nil {
						return fmt.Errorf("%s: %w", f, err)
					}
				case o.Node != nil:
					if _, err := c.ApplyNode(o.Node); err != nil {
						return fmt.Errorf("%s: %w", f, err)
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// selfSigned returns a certificate for the address the server listens
// on, and its PEM for the kubeconfig: clients send credentials only over
// TLS.
func selfSigned(addr net.Addr) (tls.Certificate, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(now.UnixNano()),
		Subject:               pkix.Name{CommonName: "rollsim"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	if tcp, ok := addr.(*net.TCPAddr); ok && !tcp.IP.IsUnspecified() {
		tmpl.IPAddresses = append(tmpl.IPAddresses, tcp.IP)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key},
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), nil
}

func kubeconfigFor(server, token string, caPEM []byte) string {
	return fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: rollsim
  cluster:
    server: %s
    certificate-authority-data: %s
contexts:
- name: rollsim
  context:
    cluster: rollsim
    user: rollsim
    namespace: default
current-context: rollsim
users:
- name: rollsim
  user:
    token: %s
`, server, base64.StdEncoding.EncodeToString(caPEM), token)
}
