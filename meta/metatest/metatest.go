// Package metatest helps tests check, by reflection, that code written
// field by field (copies, comparisons) covers every field of an object:
// Fill gives every exported field a value, and Leaves lists the fields a
// test can then change one at a time; CheckEqual and CheckClone are the
// two tests every such comparison and copy gets. A field added to a type
// later is then covered by those tests without their being edited.
package metatest

import (
	"fmt"
	"reflect"
	"time"
)

// epoch is the time Fill starts its times from.
var epoch = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// Fill sets every exported field reachable from ptr, a pointer, to a
// value other than its zero value: pointers point to filled values,
// slices and maps hold one filled element, numbers and strings are
// derived from seed. Two calls with the same seed build equal values
// that share no memory.
func Fill(ptr any, seed int) {
	v := reflect.ValueOf(ptr)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		panic("metatest.Fill wants a non-nil pointer")
	}
	fill(v.Elem(), seed)
}

var timeType = reflect.TypeFor[time.Time]()

func fill(v reflect.Value, seed int) {
	if v.Type() == timeType {
		v.Set(reflect.ValueOf(epoch.Add(time.Duration(seed) * time.Second)))
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Field(i); f.CanSet() {
				fill(f, seed+i+1)
			}
		}
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(p.Elem(), seed)
		v.Set(p)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(s.Index(0), seed)
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMapWithSize(v.Type(), 1)
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(k, seed)
		fill(e, seed+1)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d", seed))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(seed%100 + 1))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(seed%100 + 1))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(seed) + 0.5)
	case reflect.Interface:
		v.Set(reflect.ValueOf(fmt.Sprintf("i%d", seed)))
	default:
		panic("metatest.Fill: no value for a " + v.Type().String())
	}
}

// Leaf is one field reached from a filled value: a number, string, bool,
// time or map, or an element of a slice.
type Leaf struct {
	// Path names the field, as "Spec.Template.Labels".
	Path string
	v    reflect.Value
}

// IsZero reports whether the leaf holds its type's zero value, which a
// filled value never does.
func (l Leaf) IsZero() bool { return l.v.IsZero() }

// Change gives the leaf another value: another number, string or time,
// the other bool, or one more map entry.
func (l Leaf) Change() {
	v := l.v
	if v.Type() == timeType {
		v.Set(reflect.ValueOf(v.Interface().(time.Time).Add(time.Second)))
		return
	}
	switch v.Kind() {
	case reflect.Map:
		k := reflect.New(v.Type().Key()).Elem()
		fill(k, 1000)
		v.SetMapIndex(k, reflect.New(v.Type().Elem()).Elem())
	case reflect.String:
		v.SetString(v.String() + "~")
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(v.Int() + 1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(v.Uint() + 1)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(v.Float() + 1)
	case reflect.Interface:
		v.Set(reflect.ValueOf(fmt.Sprint(v.Interface()) + "~"))
	default:
		panic("metatest: cannot change a " + v.Type().String())
	}
}

// Leaves returns every leaf reachable from ptr through exported fields,
// pointers and slice elements, in field order.
func Leaves(ptr any) []Leaf {
	var out []Leaf
	leaves(reflect.ValueOf(ptr).Elem(), "", &out)
	return out
}

func leaves(v reflect.Value, path string, out *[]Leaf) {
	if v.Type() == timeType {
		*out = append(*out, Leaf{path, v})
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Field(i); f.CanSet() {
				name := v.Type().Field(i).Name
				if path != "" {
					name = path + "." + name
				}
				leaves(f, name, out)
			}
		}
	case reflect.Pointer:
		if !v.IsNil() {
			leaves(v.Elem(), path, out)
		}
	case reflect.Slice:
		for i := range v.Len() {
			leaves(v.Index(i), fmt.Sprintf("%s[%d]", path, i), out)
		}
	default:
		*out = append(*out, Leaf{path, v})
	}
}
