package scenario

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

var (
	deploymentNameRes = []*regexp.Regexp{
		regexp.MustCompile(`state: deployment/([a-z0-9][a-z0-9.-]*)`),
		regexp.MustCompile(`deployments?\.apps/([a-z0-9][a-z0-9.-]*)`),
		regexp.MustCompile(`deployment "([a-z0-9][a-z0-9.-]*)"`),
	}
	templateHashRe = regexp.MustCompile(`pod-template-hash=([a-z0-9]+)`)
)

// NormalizeTrace rewrites a conformance trace so that two traces compare
// equal whatever pod-template hashes their implementations compute: each
// DEPLOYMENT-HASH becomes DEPLOYMENT-#N, N counting distinct hashes in
// order of first appearance, and a bare pod-template-hash=HASH takes the
// #N of its ReplicaSet. It does what the shared trace-diff tool does.
func NormalizeTrace(trace string) string {
	lines := strings.SplitAfter(trace, "\n")
	names := map[string]bool{}
	for _, l := range lines {
		for _, re := range deploymentNameRes {
			for _, m := range re.FindAllStringSubmatch(l, -1) {
				names[m[1]] = true
			}
		}
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	slices.SortFunc(sorted, func(a, b string) int {
		if len(a) != len(b) {
			return len(b) - len(a)
		}
		return strings.Compare(a, b)
	})
	idx := map[string]int{}
	hashIdx := map[string]int{}
	n := 0
	var out strings.Builder
	for _, l := range lines {
		if len(sorted) > 0 {
			l = replaceRSNames(l, sorted, names, idx, hashIdx, &n)
		}
		l = templateHashRe.ReplaceAllStringFunc(l, func(m string) string {
			h := m[len("pod-template-hash="):]
			if _, ok := hashIdx[h]; !ok {
				n++
				hashIdx[h] = n
			}
			return "pod-template-hash=#" + strconv.Itoa(hashIdx[h])
		})
		out.WriteString(l)
	}
	return out.String()
}

func isNameChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
}

func isHashChar(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

// replaceRSNames rewrites each NAME-HASH in l, trying names longest first
// at every position as the shared tool's regular expression does.
func replaceRSNames(l string, sorted []string, names map[string]bool, idx, hashIdx map[string]int, n *int) string {
	var b strings.Builder
	for i := 0; i < len(l); {
		matched := false
		if i == 0 || !isNameChar(l[i-1]) {
			for _, d := range sorted {
				if !strings.HasPrefix(l[i:], d+"-") {
					continue
				}
				j := i + len(d) + 1
				k := j
				for k < len(l) && isHashChar(l[k]) {
					k++
				}
				if k == j {
					continue
				}
				if k < len(l) && (l[k] == '-' || l[k] >= 'A' && l[k] <= 'Z') {
					continue // the hash must not run on into more of a name
				}
				h := l[j:k]
				key := d + "-" + h
				if names[key] {
					b.WriteString(key)
				} else {
					if _, ok := idx[key]; !ok {
						if v, ok := hashIdx[h]; ok {
							idx[key] = v
						} else {
							*n++
							idx[key] = *n
						}
					}
					if _, ok := hashIdx[h]; !ok {
						hashIdx[h] = idx[key]
					}
					b.WriteString(d + "-#" + strconv.Itoa(idx[key]))
				}
				i = k
				matched = true
				break
			}
		}
		if !matched {
			b.WriteByte(l[i])
			i++
		}
	}
	return b.String()
}
