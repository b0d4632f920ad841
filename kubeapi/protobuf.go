package kubeapi

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer/streaming"
	"k8s.io/client-go/kubernetes/scheme"
)

// Typed clients ask for protobuf first, as they do of the API server; the
// Handler answers in it the objects of the API's types, and in JSON
// everything else (discovery, tables, OpenAPI), which clients take too.

var protobufInfo = func() runtime.SerializerInfo {
	for _, info := range scheme.Codecs.SupportedMediaTypes() {
		if info.MediaType == runtime.ContentTypeProtobuf {
			return info
		}
	}
	panic("client-go's scheme has no protobuf serializer")
}()

// prefersProtobuf reports whether the request's first choice of media
// type is protobuf.
func prefersProtobuf(r *http.Request) bool {
	first, _, _ := strings.Cut(r.Header.Get("Accept"), ",")
	mt, _, _ := strings.Cut(first, ";")
	return strings.TrimSpace(mt) == runtime.ContentTypeProtobuf
}

// protobufEncoder encodes objects of gv, setting their kind and version.
func protobufEncoder(gv schema.GroupVersion) runtime.Encoder {
	return scheme.Codecs.WithoutConversion().EncoderForVersion(protobufInfo.Serializer, gv)
}

// reply writes v in the media type the request prefers: protobuf for an
// object of the API's types when asked for, JSON otherwise.
func reply(w http.ResponseWriter, r *http.Request, code int, v any) {
	if obj, ok := v.(runtime.Object); ok && prefersProtobuf(r) {
		if kinds, _, err := scheme.Scheme.ObjectKinds(obj); err == nil && len(kinds) > 0 {
			b, err := runtime.Encode(protobufEncoder(kinds[0].GroupVersion()), obj)
			if err == nil {
				w.Header().Set("Content-Type", runtime.ContentTypeProtobuf)
				w.WriteHeader(code)
				w.Write(b)
				return
			}
		}
	}
	writeJSON(w, code, v)
}

// typedList returns objs as the list type of r, for protobuf: the list
// kind client-go's scheme registers for r, filled by apimachinery's own
// list helpers.
func typedList(r *resource, objs []apiObject, rv string) (runtime.Object, error) {
	l, err := scheme.Scheme.New(schema.GroupVersionKind{Group: r.group, Version: r.version, Kind: r.kind + "List"})
	if err != nil {
		return nil, err
	}
	items := make([]runtime.Object, len(objs))
	for i, o := range objs {
		items[i] = o
	}
	if err := meta.SetList(l, items); err != nil {
		return nil, err
	}
	acc, err := meta.ListAccessor(l)
	if err != nil {
		return nil, err
	}
	acc.SetResourceVersion(rv)
	return l, nil
}

// protobufWatch writes watch events as the API server's protobuf watch
// stream: length-prefixed frames of metav1.WatchEvent, each object
// encoded in protobuf within.
type protobufWatch struct {
	enc    streaming.Encoder
	objEnc runtime.Encoder
}

func newProtobufWatch(w http.ResponseWriter, gv schema.GroupVersion) *protobufWatch {
	s := protobufInfo.StreamSerializer
	return &protobufWatch{
		enc:    streaming.NewEncoder(s.Framer.NewFrameWriter(w), s.Serializer),
		objEnc: protobufEncoder(gv),
	}
}

func (p *protobufWatch) send(typ string, obj runtime.Object) error {
	b, err := runtime.Encode(p.objEnc, obj)
	if err != nil {
		return err
	}
	return p.enc.Encode(&metav1.WatchEvent{Type: typ, Object: runtime.RawExtension{Raw: b}})
}

func (p *protobufWatch) sendRaw(typ string, raw []byte) error {
	return p.enc.Encode(&metav1.WatchEvent{Type: typ, Object: runtime.RawExtension{Raw: raw}})
}

// encodings holds one write's object, encoded once in each media type its
// watchers asked for, for all of them.
type encodings struct {
	mu          sync.Mutex
	proto, json []byte
}

// encoded returns the object in protobuf or JSON, from the write's shared
// encodings when it has them.
func (o object) encoded(protobuf bool, gv schema.GroupVersion) ([]byte, error) {
	encode := func() ([]byte, error) {
		if protobuf {
			return runtime.Encode(protobufEncoder(gv), o.api())
		}
		return json.Marshal(o.api())
	}
	if o.enc == nil {
		return encode()
	}
	o.enc.mu.Lock()
	defer o.enc.mu.Unlock()
	p := &o.enc.json
	if protobuf {
		p = &o.enc.proto
	}
	if *p == nil {
		b, err := encode()
		if err != nil {
			return nil, err
		}
		*p = b
	}
	return *p, nil
}
