package manifest

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// fields lists the JSON fields of an object the simulator reads or
// ignores on purpose; any other field that is set is not supported. A
// field mapped to nil is taken whole; one mapped to a fields value is
// checked in turn (each element of a list; for a map, its keys).
type fields map[string]fields

// serverSet are the metadata fields the API server sets: ignored.
var serverSet = fields{
	"uid": nil, "resourceVersion": nil, "generation": nil, "selfLink": nil,
	"creationTimestamp": nil, "deletionTimestamp": nil, "deletionGracePeriodSeconds": nil,
	"managedFields": nil,
}

func with(base fields, more fields) fields {
	f := maps.Clone(base)
	maps.Copy(f, more)
	return f
}

var (
	objectMetaFields = with(serverSet, fields{"name": nil, "namespace": nil, "labels": nil, "annotations": nil})
	// nodeMetaFields ignores namespace: kubectl drops it for cluster-scoped kinds.
	nodeMetaFields = with(serverSet, fields{"name": nil, "namespace": nil, "labels": nil, "annotations": nil})

	deploymentFields = fields{
		"apiVersion": nil,
		"kind":       nil,
		"metadata":   objectMetaFields,
		"spec": {
			"replicas":                nil,
			"selector":                nil,
			"template":                nil,
			"strategy":                nil,
			"minReadySeconds":         nil,
			"revisionHistoryLimit":    nil,
			"paused":                  nil,
			"progressDeadlineSeconds": nil,
		},
		"status": nil,
	}

	nodeFields = fields{
		"apiVersion": nil,
		"kind":       nil,
		"metadata":   nodeMetaFields,
		"spec":       {"unschedulable": nil},
		"status":     {"allocatable": {"cpu": nil, "memory": nil, "pods": nil}},
	}
)

// jsonName returns the JSON name of a struct field, "" for an embedded
// struct whose fields are promoted, and "-" for a field JSON skips.
func jsonName(f reflect.StructField) string {
	tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	switch {
	case tag != "":
		return tag
	case f.Anonymous && f.Type.Kind() == reflect.Struct:
		return ""
	case !f.IsExported():
		return "-"
	}
	return f.Name
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// checkSupported returns the first field of v, in declaration order, that
// is set but not in f.
func checkSupported(v reflect.Value, f fields, path string) *fieldError {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return checkSupported(v.Elem(), f, path)
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			name := jsonName(t.Field(i))
			fv := v.Field(i)
			switch sub, ok := f[name]; {
			case name == "-":
			case name == "":
				if ferr := checkSupported(fv, f, path); ferr != nil {
					return ferr
				}
			case !ok:
				if !isEmpty(fv) {
					return &fieldError{field: join(path, name), err: ErrNotSupported}
				}
			case sub != nil:
				if ferr := checkSupported(fv, sub, join(path, name)); ferr != nil {
					return ferr
				}
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if ferr := checkSupported(v.Index(i), f, fmt.Sprintf("%s[%d]", path, i)); ferr != nil {
				return ferr
			}
		}
	case reflect.Map:
		keys := make([]string, 0, v.Len())
		for _, k := range v.MapKeys() {
			keys = append(keys, k.String())
		}
		slices.Sort(keys)
		for _, k := range keys {
			sub, ok := f[k]
			p := path + "[" + k + "]"
			if !ok {
				return &fieldError{field: p, err: ErrNotSupported}
			}
			if sub != nil {
				if ferr := checkSupported(v.MapIndex(reflect.ValueOf(k).Convert(v.Type().Key())), sub, p); ferr != nil {
					return ferr
				}
			}
		}
	}
	return nil
}

// isEmpty reports whether v carries nothing: a zero value, an empty list
// or map, or a pointer to an empty struct (such as `securityContext: {}`).
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Invalid:
		return true
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return true
		}
		if e := v.Elem(); e.Kind() == reflect.Struct {
			return isEmpty(e)
		}
		return false
	case reflect.Slice, reflect.Map:
		return v.Len() == 0
	case reflect.Struct:
		for i := range v.NumField() {
			if !isEmpty(v.Field(i)) {
				return false
			}
		}
		return true
	}
	return v.IsZero()
}

var (
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	intOrStringType = reflect.TypeFor[intstr.IntOrString]()
	quantityType    = reflect.TypeFor[resource.Quantity]()
)

// locate finds the first value of the generic JSON document v (as decoded
// with UseNumber) that does not fit Go type t, returning its path and the
// problem, or "" and nil when every value fits. Unknown fields are not its
// business.
func locate(v any, t reflect.Type, path string) (string, error) {
	if v == nil {
		return "", nil // null leaves any Go value as it is
	}
	if t == intOrStringType {
		switch v := v.(type) {
		case string:
			return "", nil
		case json.Number:
			if _, err := strconv.ParseInt(v.String(), 10, 32); err == nil {
				return "", nil
			}
		}
		return path, mismatch("an int32 or a string", v)
	}
	if t == quantityType {
		var s string
		switch v := v.(type) {
		case string:
			s = v
		case json.Number:
			s = v.String()
		}
		if hugeExponent.MatchString(strings.TrimSpace(s)) {
			return path, errOutOfRange
		}
	}
	if implementsUnmarshaler(t) {
		b, err := json.Marshal(v)
		if err != nil {
			return path, err
		}
		if err := reflect.New(t).Interface().(json.Unmarshaler).UnmarshalJSON(b); err != nil {
			return path, err
		}
		return "", nil
	}
	switch t.Kind() {
	case reflect.Pointer:
		return locate(v, t.Elem(), path)
	case reflect.Interface:
		return "", nil
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return path, mismatch("an object", v)
		}
		byName := fieldTable(t)
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if ft, ok := byName[k]; ok {
				if p, err := locate(m[k], ft, join(path, k)); err != nil {
					return p, err
				}
			}
		}
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			return path, mismatch("an object", v)
		}
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if p, err := locate(m[k], t.Elem(), path+"["+k+"]"); err != nil {
				return p, err
			}
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			if _, ok := v.(string); !ok {
				return path, mismatch("a base64 string", v)
			}
			return "", nil
		}
		l, ok := v.([]any)
		if !ok {
			return path, mismatch("a list", v)
		}
		for i, e := range l {
			if p, err := locate(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return p, err
			}
		}
	case reflect.String:
		if _, ok := v.(string); !ok {
			return path, mismatch("a string", v)
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			return path, mismatch("a boolean", v)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := v.(json.Number)
		if !ok {
			return path, mismatch("an integer", v)
		}
		if _, err := strconv.ParseInt(n.String(), 10, t.Bits()); err != nil {
			return path, mismatch(t.String(), v)
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := v.(json.Number)
		if !ok {
			return path, mismatch("an integer", v)
		}
		if _, err := strconv.ParseUint(n.String(), 10, t.Bits()); err != nil {
			return path, mismatch(t.String(), v)
		}
	case reflect.Float32, reflect.Float64:
		n, ok := v.(json.Number)
		if !ok {
			return path, mismatch("a number", v)
		}
		if _, err := strconv.ParseFloat(n.String(), t.Bits()); err != nil {
			return path, mismatch(t.String(), v)
		}
	}
	return "", nil
}

// Tables of struct fields and of unmarshalers, by type: pure functions of
// a type, computed once each (as encoding/json caches its own), since
// reflection over k8s.io/api's structs at every value of every manifest
// was a tenth of a scenario's time.
var (
	fieldTables  sync.Map // reflect.Type → map[string]reflect.Type
	unmarshalers sync.Map // reflect.Type → bool
)

// fieldTable returns structFields of t, shared: it must not be changed.
func fieldTable(t reflect.Type) map[string]reflect.Type {
	if m, ok := fieldTables.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	m := map[string]reflect.Type{}
	structFields(t, m)
	fieldTables.Store(t, m)
	return m
}

// implementsUnmarshaler reports whether *t is a json.Unmarshaler.
func implementsUnmarshaler(t reflect.Type) bool {
	if ok, found := unmarshalers.Load(t); found {
		return ok.(bool)
	}
	ok := reflect.PointerTo(t).Implements(unmarshalerType)
	unmarshalers.Store(t, ok)
	return ok
}

// structFields maps the JSON names of t's fields, promoted ones included,
// to their types.
func structFields(t reflect.Type, byName map[string]reflect.Type) {
	for i := range t.NumField() {
		f := t.Field(i)
		switch name := jsonName(f); name {
		case "-":
		case "":
			structFields(f.Type, byName)
		default:
			byName[name] = f.Type
		}
	}
}

func mismatch(want string, got any) error {
	return fmt.Errorf("want %s, got %s", want, describe(got))
}

// describe names the kind of a generic JSON value.
func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number:
		return "number " + v.String()
	}
	return fmt.Sprintf("%T", v)
}
