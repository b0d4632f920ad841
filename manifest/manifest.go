// Package manifest reads Kubernetes manifests, the YAML files given to
// `kubectl apply -f`, and turns them into the simulator's objects.
//
// A file holds one or more YAML documents separated by `---` lines. Each
// document is decoded strictly, as the API server's strict field
// validation does (unknown and duplicate fields are errors, field names
// are case-sensitive), into the k8s.io/api type its apiVersion and kind
// name: apps/v1 Deployment or v1 Node. It is then converted to a
// *deployment.Deployment or a *scheduler.Node. Nothing is defaulted or
// validated here: the cluster does that when the object is applied, so an
// unset field stays unset (nil or zero).
//
// Every field of a Deployment's pod template is kept: those the simulator
// models in its own fields, the others (volumes, probes, init containers,
// affinity, command and args, ...) as k8s.io/api values in the template's
// Meta and Extra fields, so that they are shown, compared and hashed as
// upstream does. Metadata the API server sets (uid, resourceVersion,
// creationTimestamp, ...) and status are ignored; a Deployment's
// generateName, ownerReferences and finalizers are kept in its Meta.
//
// Every error is a *Error naming the file, the document and, where there is
// one, the field. A file with any error yields no objects at all.
package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/scheduler"
)

// Object is one object read from a manifest: exactly one of Deployment and
// Node is set.
type Object struct {
	// File is the name the manifest was read under.
	File string
	// Document is the 1-based number of the YAML document in File.
	Document int
	// Deployment is set for an apps/v1 Deployment.
	Deployment *deployment.Deployment
	// Node is set for a v1 Node.
	Node *scheduler.Node
	// LastApplied is the document as decoded, in compact JSON with sorted
	// keys, status and all, the basis of kubectl's
	// kubectl.kubernetes.io/last-applied-configuration annotation (see
	// KubectlLastApplied for the exact value kubectl stores).
	LastApplied string
}

// Kind returns "Deployment" or "Node".
func (o *Object) Kind() string {
	switch {
	case o.Deployment != nil:
		return "Deployment"
	case o.Node != nil:
		return "Node"
	}
	return ""
}

// Name returns the object's metadata.name.
func (o *Object) Name() string {
	switch {
	case o.Deployment != nil:
		return o.Deployment.Name
	case o.Node != nil:
		return o.Node.Name
	}
	return ""
}

// JSONObject returns the JSON object at path below doc, a decoded JSON
// object, putting an empty one in place of each that is missing (or is
// not an object).
func JSONObject(doc map[string]any, path ...string) map[string]any {
	for _, key := range path {
		next, _ := doc[key].(map[string]any)
		if next == nil {
			next = map[string]any{}
			doc[key] = next
		}
		doc = next
	}
	return doc
}

// KubectlLastApplied returns the value `kubectl apply` stores in the
// kubectl.kubernetes.io/last-applied-configuration annotation for the
// object: LastApplied with metadata.annotations always present (an empty
// object when there are none, never holding the last-applied annotation
// itself), with metadata.namespace set to namespace when a Deployment
// names none, and with a trailing newline.
func (o *Object) KubectlLastApplied(namespace string) string {
	if o.Deployment == nil {
		namespace = ""
	}
	return KubectlConfiguration(o.LastApplied, namespace)
}

// KubectlConfiguration returns what `kubectl apply` stores as the
// last-applied configuration of config, a JSON object: metadata.annotations
// always present (an empty object when there are none, never holding the
// last-applied annotation itself), metadata.namespace set to namespace
// when config names none (kubectl fills in the namespace it applies to),
// keys sorted, and a trailing newline. Two configurations kubectl would
// store alike come out the same.
func KubectlConfiguration(config, namespace string) string {
	var doc map[string]any
	dec := json.NewDecoder(strings.NewReader(config))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil || doc == nil {
		return strings.TrimSuffix(config, "\n") + "\n"
	}
	md := JSONObject(doc, "metadata")
	delete(JSONObject(md, "annotations"), deployment.LastAppliedAnnotation)
	if ns, _ := md["namespace"].(string); ns == "" && namespace != "" {
		md["namespace"] = namespace
	}
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(doc); err != nil {
		return strings.TrimSuffix(config, "\n") + "\n"
	}
	return b.String()
}

// Error is why a manifest could not be read. Its text is
// "FILE: document N: FIELD: ERR", without the document when the file
// itself could not be read and without the field when the problem is not
// in one field.
type Error struct {
	// File is the manifest's name.
	File string
	// Document is the 1-based number of the offending YAML document, or 0
	// when the file could not be read.
	Document int
	// Field is the path of the offending field, such as
	// "spec.template.spec.containers[0].image", or "".
	Field string
	// Err is the problem.
	Err error
}

// Error returns "FILE: document N: FIELD: ERR".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	b.WriteString(": ")
	if e.Document > 0 {
		fmt.Fprintf(&b, "document %d: ", e.Document)
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }

// Errors an *Error may wrap, for errors.Is.
var (
	// ErrNotSupported is a field, kind or value the simulator does not model.
	ErrNotSupported = errors.New("not supported by rollsim")
	// ErrUnknownField is a field the Kubernetes type does not have.
	ErrUnknownField = errors.New("unknown field")
	// ErrDuplicateField is a field given twice.
	ErrDuplicateField = errors.New("duplicate field")
	// ErrRequired is a missing apiVersion or kind.
	ErrRequired = errors.New("required")
)

// Load reads the manifest at path and decodes it as Decode does, naming
// it path in errors and objects. A file that cannot be read is an *Error
// with Document 0 wrapping the cause (errors.Is(err, fs.ErrNotExist)
// reports a missing file).
func Load(path string) ([]Object, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, &Error{File: path, Err: err}
	}
	return Decode(path, data)
}

// Decode reads the YAML documents of data, a manifest called name, and
// returns their objects in file order. Empty documents are skipped. When
// any document is in error Decode returns no objects and the first error,
// a *Error; a manifest with no documents gives no objects and no error.
func Decode(name string, data []byte) (objs []Object, err error) {
	defer func() {
		if r := recover(); r != nil {
			objs, err = nil, &Error{File: name, Err: fmt.Errorf("internal error: %v", r)}
		}
	}()
	docs, err := splitDocuments(data)
	for _, d := range docs {
		obj, ferr := decodeDocument(d)
		if ferr != nil {
			return nil, &Error{File: name, Document: d.number, Field: ferr.field, Err: ferr.err}
		}
		if obj == nil {
			continue
		}
		obj.File, obj.Document = name, d.number
		objs = append(objs, *obj)
	}
	if err != nil {
		var de *docError
		if errors.As(err, &de) {
			return nil, &Error{File: name, Document: de.number, Err: de.err}
		}
		return nil, &Error{File: name, Err: err}
	}
	return objs, nil
}

// document is one YAML document of a file.
type document struct {
	number int
	// line is the file's line number of the document's first line.
	line int
	text []byte
}

// docError is an error in the document numbered number.
type docError struct {
	number int
	err    error
}

func (e *docError) Error() string { return e.err.Error() }

// splitDocuments cuts data at its `---` lines, as kubectl's YAML reader
// does: a line starting with "---" followed by nothing but spaces or a
// comment. What precedes the first separator is no document when it holds
// only blanks and comments (a leading "---" starts document 1). A line
// starting with "---" followed by anything else is an error in the
// document it is in; the documents before it are returned with the error.
func splitDocuments(data []byte) ([]document, error) {
	var docs []document
	start, startLine, line := 0, 1, 1
	cut := func(end int) {
		docs = append(docs, document{number: len(docs) + 1, line: startLine, text: data[start:end]})
	}
	for pos := 0; pos < len(data); line++ {
		end := bytes.IndexByte(data[pos:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += pos + 1
		}
		if rest, ok := bytes.CutPrefix(data[pos:end], []byte("---")); ok {
			if t := bytes.TrimSpace(rest); len(t) > 0 && t[0] != '#' {
				return docs, &docError{number: len(docs) + 1, err: fmt.Errorf("line %d: invalid YAML document separator: %q", line, t)}
			}
			if len(docs) > 0 || !blank(data[start:pos]) {
				cut(pos)
			}
			start, startLine = end, line+1
		}
		pos = end
	}
	cut(len(data))
	return docs, nil
}

// blank reports whether b holds only white space and comment lines.
func blank(b []byte) bool {
	for l := range bytes.Lines(b) {
		t := bytes.TrimSpace(l)
		if len(t) > 0 && t[0] != '#' {
			return false
		}
	}
	return true
}

// fieldError is a problem in one document, with the field path if any.
type fieldError struct {
	field string
	err   error
}

func errorf(field, format string, args ...any) *fieldError {
	return &fieldError{field: field, err: fmt.Errorf(format, args...)}
}

var yamlLine = regexp.MustCompile(`\bline (\d+)`)

// yamlError tidies a YAML parser's error into one line, its line numbers
// counted from the start of the file rather than of the document, which
// starts at line first.
func yamlError(err error, first int) error {
	s := strings.TrimPrefix(err.Error(), "error converting YAML to JSON: ")
	s = strings.Join(strings.Fields(s), " ")
	s = strings.Replace(s, "yaml: unmarshal errors: ", "yaml: ", 1)
	s = yamlLine.ReplaceAllStringFunc(s, func(m string) string {
		n, err := strconv.Atoi(m[len("line "):])
		if err != nil {
			return m
		}
		return "line " + strconv.Itoa(n+first-1)
	})
	return errors.New(s)
}

// decodeDocument decodes one YAML document; an empty document gives a nil
// object and no error.
func decodeDocument(d document) (*Object, *fieldError) {
	j, err := yaml.YAMLToJSONStrict(d.text)
	if err != nil {
		return nil, &fieldError{err: yamlError(err, d.line)}
	}
	j = bytes.TrimSpace(j)
	if len(j) == 0 || bytes.Equal(j, []byte("null")) {
		return nil, nil
	}
	var generic any
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.UseNumber()
	if err := dec.Decode(&generic); err != nil {
		return nil, &fieldError{err: err}
	}
	m, ok := generic.(map[string]any)
	if !ok {
		return nil, &fieldError{err: fmt.Errorf("not a Kubernetes object: want an object, got %s", describe(generic))}
	}
	apiVersion, ferr := typeField(m, "apiVersion")
	if ferr != nil {
		return nil, ferr
	}
	kind, ferr := typeField(m, "kind")
	if ferr != nil {
		return nil, ferr
	}
	obj := &Object{}
	switch {
	case kind == "Deployment" && apiVersion == "apps/v1":
		obj.Deployment, ferr = decodeAs(j, generic, deploymentFromAPI)
	case kind == "Node" && apiVersion == "v1":
		obj.Node, ferr = decodeAs(j, generic, nodeFromAPI)
	case kind == "Deployment" || kind == "Node":
		want := "apps/v1"
		if kind == "Node" {
			want = "v1"
		}
		return nil, errorf("apiVersion", "%q is %w for kind %s (want %s)", apiVersion, ErrNotSupported, kind, want)
	default:
		return nil, errorf("kind", "%q is %w (want apps/v1 Deployment or v1 Node)", kind, ErrNotSupported)
	}
	if ferr != nil {
		return nil, ferr
	}
	// All of it, status too, as kubectl keeps it.
	b, err := json.Marshal(m)
	if err != nil {
		return nil, &fieldError{err: err}
	}
	obj.LastApplied = string(b)
	return obj, nil
}

// typeField returns apiVersion or kind, which must be a non-empty string.
func typeField(m map[string]any, key string) (string, *fieldError) {
	v, ok := m[key]
	if !ok || v == nil || v == "" {
		return "", &fieldError{field: key, err: ErrRequired}
	}
	s, ok := v.(string)
	if !ok {
		return "", errorf(key, "want a string, got %s", describe(v))
	}
	return s, nil
}
