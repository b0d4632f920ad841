package kubeapi

import (
	"context"
	"io"
	"net/http"
	"sync"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/util/flowcontrol"
)

// InProcessHost is the host of the in-process configuration's URLs; no
// request to it leaves the process.
const InProcessHost = "http://rollsim.invalid"

// RESTConfig returns a client configuration whose transport hands every
// request to h directly, with no socket: kubernetes.NewForConfig and
// controller-runtime's client.New work on it as on a real cluster's. It
// has no client-side rate limit, as the simulated cluster needs none.
func (h *Handler) RESTConfig() *rest.Config {
	return &rest.Config{
		Host:        InProcessHost,
		Transport:   inProcess{h},
		RateLimiter: flowcontrol.NewFakeAlwaysRateLimiter(),
	}
}

// inProcess is a RoundTripper that serves each request with a handler on
// its own goroutine, streaming the response through a pipe so that a
// watch's events arrive as they are written.
type inProcess struct{ h http.Handler }

func (t inProcess) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancel(req.Context())
	req = req.Clone(ctx)
	if req.Body == nil {
		req.Body = http.NoBody
	}
	pr, pw := io.Pipe()
	rw := &pipeWriter{header: http.Header{}, pw: pw, ready: make(chan struct{})}
	go func() {
		defer func() {
			rw.WriteHeader(http.StatusOK)
			pw.Close()
		}()
		t.h.ServeHTTP(rw, req)
	}()
	select {
	case <-rw.ready:
	case <-ctx.Done():
		cancel()
		pr.Close()
		return nil, ctx.Err()
	}
	return &http.Response{
		Status:        http.StatusText(rw.code),
		StatusCode:    rw.code,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        rw.sent,
		Body:          &pipeBody{pr, cancel},
		ContentLength: -1,
		Request:       req,
	}, nil
}

// pipeWriter is the handler's side of an in-process response.
type pipeWriter struct {
	header http.Header
	pw     *io.PipeWriter
	once   sync.Once
	code   int
	sent   http.Header
	ready  chan struct{}
}

func (w *pipeWriter) Header() http.Header { return w.header }

func (w *pipeWriter) WriteHeader(code int) {
	w.once.Do(func() {
		w.code = code
		w.sent = w.header.Clone()
		close(w.ready)
	})
}

func (w *pipeWriter) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.pw.Write(b)
}

// Flush does nothing: every write already waits for its reader.
func (w *pipeWriter) Flush() {}

// pipeBody is the client's side: closing it ends the request, as closing
// a connection does.
type pipeBody struct {
	*io.PipeReader
	cancel context.CancelFunc
}

func (b *pipeBody) Close() error {
	b.cancel()
	return b.PipeReader.Close()
}
