// Package scenario runs scenario files: kubectl-style scripts played
// against an in-process cluster on a fake clock, printing either a human
// transcript or the conformance trace (format v1) that is compared, line by
// line, with upstream Kubernetes' controllers.
package scenario

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Line is one command of a scenario: its position, its text and its words.
type Line struct {
	// File is the scenario file's name as given.
	File string
	// Number is the 1-based line number.
	Number int
	// Text is the command as written, spaces trimmed and any leading
	// "kubectl" word removed.
	Text string
	// Words are Text split on white space.
	Words []string
}

// ParseError is a line that is not a command at all; it stops a run.
type ParseError struct {
	// File and Line locate the offending line.
	File string
	Line int
	// Msg says what is wrong.
	Msg string
}

// Error returns "FILE:LINE: what is wrong".
func (e *ParseError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// Parse splits a scenario into its command lines, dropping blank lines and
// comments, and checks each one. It stops at the first line that is not a
// well-formed command (its first words name no command, or an argument is
// missing or does not parse), returning the lines before it with a
// *ParseError. A run plays a scenario only when all of it parses.
func Parse(file string, src []byte) ([]Line, error) {
	var out []Line
	for i, raw := range strings.Split(string(src), "\n") {
		text := strings.TrimSpace(strings.TrimSuffix(raw, "\r"))
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		words := strings.Fields(text)
		if words[0] == "kubectl" {
			words = words[1:]
			text = strings.TrimSpace(strings.TrimPrefix(text, "kubectl"))
		}
		ln := Line{File: file, Number: i + 1, Text: text, Words: words}
		if len(words) == 0 {
			return out, &ParseError{file, i + 1, "kubectl with no command"}
		}
		h, ok := handlers[commandName(words)]
		if !ok {
			return out, &ParseError{file, i + 1, fmt.Sprintf("unknown command %q", strings.Join(words[:min(2, len(words))], " "))}
		}
		if err := h.check(ln); err != nil {
			return out, &ParseError{file, i + 1, err.Error()}
		}
		out = append(out, ln)
	}
	return out, nil
}

// commandName is the key of a line's handler: the verb, or for verbs with
// sub-commands the verb and the sub-command.
func commandName(words []string) string {
	switch words[0] {
	case "rollout", "set", "create", "delete":
		if len(words) > 1 {
			return words[0] + " " + words[1]
		}
	}
	return words[0]
}

// args holds a command's positional arguments and flags, in typed order.
type args struct {
	positional []string
	flags      []cmdFlag
}

type cmdFlag struct {
	name, value string
	bare        bool
}

// flagSpec says, for a command, which flags it takes, their shorthands and
// whether they take a value.
type flagSpec struct {
	long   string
	short  string
	valued bool
	// parse, when set, checks the flag's value as kubectl's flag parsing
	// would; a value it refuses is a mistake in the script.
	parse func(string) error
}

// Flag value checks, worded as kubectl's flag parsing words its errors.
func intFlag(bits int) func(string) error {
	return func(v string) error {
		if _, err := strconv.ParseInt(v, 10, bits); err != nil {
			return fmt.Errorf("strconv.ParseInt: parsing %q: invalid syntax", v)
		}
		return nil
	}
}

func durationFlag(v string) error {
	if _, err := time.ParseDuration(v); err != nil {
		return fmt.Errorf("time: invalid duration %q", v)
	}
	return nil
}

func boolFlag(v string) error {
	if _, err := strconv.ParseBool(v); err != nil {
		return fmt.Errorf("strconv.ParseBool: parsing %q: invalid syntax", v)
	}
	return nil
}

// check reports a line of h's command whose arguments are malformed: a
// valued flag without a value, a flag value that does not parse, or (for
// the commands that are not kubectl's) arguments that do not fit. An
// unknown flag is left for the command to report, as kubectl does.
func (h handler) check(ln Line) error {
	if h.args != nil {
		return h.args(ln.Words[h.words:])
	}
	a, err := parseArgs(ln.Words[h.words:], h.flags)
	if err != nil {
		if strings.HasPrefix(err.Error(), "flag needs an argument") {
			return err
		}
		return nil
	}
	for _, f := range a.flags {
		for _, s := range h.flags {
			if s.long != f.name || s.parse == nil {
				continue
			}
			if err := s.parse(f.value); err != nil {
				name := "--" + s.long
				if s.short != "" {
					name = "-" + s.short + ", " + name
				}
				return fmt.Errorf("invalid argument %q for %q flag: %v", f.value, name, err)
			}
		}
	}
	return nil
}

// parseArgs splits words (after the command's own words) into positional
// arguments and flags known to the command. An unknown flag, or a valued
// flag with no value, is a kubectl usage error.
func parseArgs(words []string, specs []flagSpec) (args, error) {
	var a args
	find := func(name string, short bool) *flagSpec {
		for i := range specs {
			if (!short && specs[i].long == name) || (short && specs[i].short != "" && specs[i].short == name) {
				return &specs[i]
			}
		}
		return nil
	}
	for i := 0; i < len(words); i++ {
		w := words[i]
		if !strings.HasPrefix(w, "-") || w == "-" {
			a.positional = append(a.positional, w)
			continue
		}
		short := !strings.HasPrefix(w, "--")
		name := strings.TrimLeft(w, "-")
		value, hasValue := "", false
		if j := strings.IndexByte(name, '='); j >= 0 {
			name, value, hasValue = name[:j], name[j+1:], true
		}
		spec := find(name, short)
		if spec == nil {
			if short {
				return a, fmt.Errorf("unknown shorthand flag: '%s' in %s", name, w)
			}
			return a, fmt.Errorf("unknown flag: --%s", name)
		}
		f := cmdFlag{name: spec.long, value: value}
		if spec.valued && !hasValue {
			if i+1 >= len(words) {
				return a, fmt.Errorf("flag needs an argument: %s", w)
			}
			i++
			f.value = words[i]
		}
		if !spec.valued && !hasValue {
			f.bare = true
			f.value = "true"
		}
		a.flags = append(a.flags, f)
	}
	return a, nil
}

// get returns the last value of a flag and whether it was given.
func (a args) get(name string) (string, bool) {
	v, ok := "", false
	for _, f := range a.flags {
		if f.name == name {
			v, ok = f.value, true
		}
	}
	return v, ok
}

// changeCause forms the kubernetes.io/change-cause value kubectl's
// --record writes: "kubectl", the command words and positional arguments,
// then each flag as --name=value in the order typed.
func changeCause(cmdWords []string, a args) string {
	parts := append([]string{"kubectl"}, cmdWords...)
	parts = append(parts, a.positional...)
	for _, f := range a.flags {
		parts = append(parts, "--"+f.name+"="+f.value)
	}
	return strings.Join(parts, " ")
}

// recorded reports whether --record (or --record=true) was given.
func recorded(a args) (bool, error) {
	v, ok := a.get("record")
	if !ok {
		return false, nil
	}
	switch v {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, fmt.Errorf("invalid argument %q for \"--record\" flag: strconv.ParseBool: parsing %q: invalid syntax", v, v)
}

// resourceName reads a resource argument written TYPE/NAME or TYPE NAME
// from the positional arguments, for the given type aliases; it returns
// the name and the remaining arguments.
func resourceName(pos []string, aliases ...string) (string, []string, error) {
	if len(pos) == 0 {
		return "", nil, fmt.Errorf("you must specify the type of resource and its name")
	}
	typ, name, slash := strings.Cut(pos[0], "/")
	rest := pos[1:]
	if !slash {
		if len(pos) < 2 {
			return "", nil, fmt.Errorf("you must specify the name of the resource")
		}
		name, rest = pos[1], pos[2:]
	}
	for _, a := range aliases {
		if typ == a {
			if name == "" {
				return "", nil, fmt.Errorf("arguments in resource/name form must have a single resource and name")
			}
			return name, rest, nil
		}
	}
	return "", nil, fmt.Errorf("the server doesn't have a resource type %q", typ)
}

var deploymentAliases = []string{"deployment", "deployments", "deploy", "deployment.apps", "deployments.apps"}
