package pod

import (
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/api/validate/content"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/rollsim/rollsim/meta"
)

// ValidateTemplate checks a controller's pod template against its selector
// as the API server does for ReplicaSets and Deployments, appending field
// errors under path (such as "spec.template") to errs.
//
// The template is checked as the API server checks it, defaulted, with
// the server's wording and in its order, for the fields a manifest
// usually sets: container, volume and port names, images, ports,
// environment variable names and sources, volume mounts, pull and
// termination-message policies, resources (quantities not negative,
// requests within limits), probes (one handler, its port, path and scheme,
// thresholds), init containers, restart and DNS policies, service account,
// hostname and subdomain, activeDeadlineSeconds, tolerations, containers'
// restart policies and ephemeral containers. The rest (security contexts,
// affinity, topology spread, volume sources' own fields,
// lifecycle hooks, restart rules, the total size of annotations, ...) is
// kept unchecked. Labels, annotation keys and the node selector are
// checked too.
func ValidateTemplate(t *Template, sel *meta.Selector, path string, errs []meta.FieldError) []meta.FieldError {
	// A missing selector selects nothing; an empty one, everything.
	if sel == nil || !sel.Empty() && !sel.Matches(t.Labels) {
		labels := t.Labels
		if labels == nil {
			labels = map[string]string{}
		}
		errs = append(errs, meta.Invalid(path+".metadata.labels", labels, "`selector` does not match template `labels`"))
	}
	if !meta.LabelsValid(t.Labels) {
		errs = meta.ValidateLabels(t.Labels, path+".labels", errs)
	}
	if !meta.AnnotationsValid(t.Annotations) {
		errs = meta.ValidateAnnotations(t.Annotations, path+".annotations", errs)
	}
	if t.simple() {
		// Most templates: checked in place, without building the API's
		// object, for the same errors.
		return validateSimple(t, path, errs)
	}
	return validateAPI(t, path, errs)
}

// validateAPI checks the template's API object.
func validateAPI(t *Template, path string, errs []meta.FieldError) []meta.FieldError {
	api := t.API()
	s := &api.Spec
	errs = validatePodSpec(s, path+".spec", errs)
	if len(s.EphemeralContainers) > 0 {
		errs = append(errs, meta.Forbidden(path+".spec.ephemeralContainers", "ephemeral containers not allowed in pod template"))
	}
	if s.RestartPolicy != corev1.RestartPolicyAlways {
		errs = append(errs, meta.NotSupported(path+".spec.restartPolicy", string(s.RestartPolicy), "Always"))
	}
	if s.ActiveDeadlineSeconds != nil {
		errs = append(errs, meta.Forbidden(path+".spec.activeDeadlineSeconds", "activeDeadlineSeconds in ReplicaSet is not Supported"))
	}
	return errs
}

// validateSimple checks a template with only the fields the simulator
// models as validatePodSpec would check its API object, every other field
// holding its default.
func validateSimple(t *Template, path string, errs []meta.FieldError) []meta.FieldError {
	// Paths are built only for errors: valid templates, nearly all, cost
	// no allocation.
	sp := func() string { return path + ".spec" }
	cs := t.Spec.Containers
	if len(cs) == 0 {
		errs = append(errs, meta.Required(sp()+".containers", ""))
	}
	for i := range cs {
		c := &cs[i]
		cp := func() string { return fmt.Sprintf("%s.containers[%d]", sp(), i) }
		switch {
		case c.Name == "":
			errs = append(errs, meta.Required(cp()+".name", ""))
		case len(c.Name) > 63 || !dnsLabelRE.MatchString(c.Name):
			errs = dnsLabel(errs, cp()+".name", c.Name)
		}
		if c.Image == "" {
			errs = append(errs, meta.Required(cp()+".image", ""))
		}
		if len(c.Ports) > 0 && !portsValid(c.Ports) {
			ports := make([]corev1.ContainerPort, len(c.Ports))
			for j, p := range c.Ports {
				ports[j] = corev1.ContainerPort{Name: p.Name, HostPort: p.HostPort, ContainerPort: p.ContainerPort, Protocol: corev1.Protocol(cmpOr(p.Protocol, "TCP")), HostIP: p.HostIP}
			}
			errs = validatePorts(ports, cp()+".ports", errs)
		}
		for j, e := range c.Env {
			if e.Name == "" {
				errs = append(errs, meta.Required(fmt.Sprintf("%s.env[%d].name", cp(), j), ""))
			} else if badEnvName(e.Name) {
				errs = append(errs, meta.Invalid(fmt.Sprintf("%s.env[%d].name", cp(), j), e.Name, envNameMsg))
			}
		}
		switch p := c.EffectivePullPolicy(); p {
		case "Always", "IfNotPresent", "Never":
		default:
			errs = oneOf(errs, cp()+".imagePullPolicy", p, "Always", "IfNotPresent", "Never")
		}
		if !resourcesValid(c.Requests, c.Limits) {
			var r corev1.ResourceRequirements
			r.Limits = withComputeResources(nil, c.Limits)
			r.Requests = withComputeResources(nil, c.Requests)
			errs = validateResources(&r, cp()+".resources", errs)
		}
		for j := range i {
			if cs[j].Name == c.Name {
				errs = append(errs, meta.Duplicate(cp()+".name", c.Name))
				break
			}
		}
	}
	restart := cmpOr(t.Spec.RestartPolicy, "Always")
	if restart != "Always" {
		errs = oneOf(errs, sp()+".restartPolicy", restart, "Always", "OnFailure", "Never")
	}
	if len(t.Spec.NodeSelector) > 0 {
		errs = meta.ValidateLabels(t.Spec.NodeSelector, sp()+".nodeSelector", errs)
	}
	if restart != "Always" {
		errs = append(errs, meta.NotSupported(sp()+".restartPolicy", restart, "Always"))
	}
	return errs
}

// portsValid reports, without allocating, whether validatePorts would
// find nothing wrong with ps.
func portsValid(ps []Port) bool {
	for i, p := range ps {
		if p.Name != "" {
			if len(p.Name) > 15 || !portNameChars.MatchString(p.Name) || !portNameLetter.MatchString(p.Name) ||
				strings.Contains(p.Name, "--") || p.Name[0] == '-' || p.Name[len(p.Name)-1] == '-' {
				return false
			}
			for _, q := range ps[:i] {
				if q.Name == p.Name {
					return false
				}
			}
		}
		if !validPort(int64(p.ContainerPort)) || p.HostPort != 0 && !validPort(int64(p.HostPort)) {
			return false
		}
		switch cmpOr(p.Protocol, "TCP") {
		case "SCTP", "TCP", "UDP":
		default:
			return false
		}
	}
	return true
}

// resourcesValid reports, without allocating, whether validateResources
// would find nothing wrong with a container's cpu and memory: none
// negative, no request above its limit where both are set.
func resourcesValid(req, lim Resources) bool {
	within := func(r, l int64) bool { return r >= 0 && l >= 0 && (r == 0 || l == 0 || r <= l) }
	return within(req.MilliCPU, lim.MilliCPU) && within(req.Memory, lim.Memory)
}

const envNameMsg = "a valid environment variable name must consist only of printable ASCII characters other than '='"

// badEnvName reports whether an environment variable name breaks the
// relaxed rule the API server applies.
func badEnvName(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r > '~' || r == '=' })
}

func validatePodSpec(s *corev1.PodSpec, path string, errs []meta.FieldError) []meta.FieldError {
	vols := map[string]bool{}
	errs = validateVolumes(s.Volumes, path+".volumes", vols, errs)
	if len(s.Containers) == 0 {
		errs = append(errs, meta.Required(path+".containers", ""))
	}
	names := map[string]bool{}
	for i := range s.Containers {
		c := &s.Containers[i]
		cp := fmt.Sprintf("%s.containers[%d]", path, i)
		errs = validateContainer(c, vols, cp, errs)
		if names[c.Name] {
			errs = append(errs, meta.Duplicate(cp+".name", c.Name))
		}
		names[c.Name] = true
		errs = validateProbes(c, cp, errs)
		errs = validateContainerRestart(c, cp, errs)
	}
	for i := range s.InitContainers {
		c := &s.InitContainers[i]
		cp := fmt.Sprintf("%s.initContainers[%d]", path, i)
		errs = validateContainer(c, vols, cp, errs)
		switch {
		case c.RestartPolicy == nil || *c.RestartPolicy != corev1.ContainerRestartPolicyAlways:
			errs = validateContainerRestart(c, cp, errs)
		case len(c.RestartPolicyRules) > 0:
			errs = append(errs, meta.Forbidden(cp+".restartPolicyRules", "restartPolicyRules are not allowed for init containers with restart policy Always"))
		}
		if names[c.Name] {
			errs = append(errs, meta.Duplicate(cp+".name", c.Name))
		} else if c.Name != "" {
			names[c.Name] = true
		}
		if c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways {
			// A sidecar: probes as a container's.
			errs = validateProbes(c, cp, errs)
			continue
		}
		for _, f := range []struct {
			name string
			set  bool
		}{{"lifecycle", c.Lifecycle != nil}, {"livenessProbe", c.LivenessProbe != nil}, {"readinessProbe", c.ReadinessProbe != nil}, {"startupProbe", c.StartupProbe != nil}} {
			if f.set {
				errs = append(errs, meta.Forbidden(cp+"."+f.name, "may not be set for init containers without restartPolicy=Always"))
			}
		}
	}
	errs = oneOf(errs, path+".restartPolicy", string(s.RestartPolicy), "Always", "OnFailure", "Never")
	errs = oneOf(errs, path+".dnsPolicy", string(s.DNSPolicy), "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None")
	errs = meta.ValidateLabels(s.NodeSelector, path+".nodeSelector", errs)
	if n := s.ServiceAccountName; n != "" {
		for _, msg := range dnsSubdomainErrors(n) {
			errs = append(errs, meta.Invalid(path+".serviceAccountName", n, msg))
		}
	}
	if d := s.ActiveDeadlineSeconds; d != nil && (*d < 1 || *d > math.MaxInt32) {
		errs = append(errs, meta.Invalid(path+".activeDeadlineSeconds", *d, inclusiveRange(1, math.MaxInt32)))
	}
	if s.Hostname != "" {
		errs = dnsLabel(errs, path+".hostname", s.Hostname)
	}
	if s.Subdomain != "" {
		errs = dnsLabel(errs, path+".subdomain", s.Subdomain)
	}
	return validateTolerations(s.Tolerations, path+".tolerations", errs)
}

func validateTolerations(ts []corev1.Toleration, path string, errs []meta.FieldError) []meta.FieldError {
	for i, t := range ts {
		tp := fmt.Sprintf("%s[%d]", path, i)
		if t.Key != "" {
			for _, msg := range content.IsLabelKey(t.Key) {
				errs = append(errs, meta.Invalid(tp+".key", t.Key, msg))
			}
		}
		if t.Key == "" && t.Operator != corev1.TolerationOpExists {
			errs = append(errs, meta.Invalid(tp+".operator", string(t.Operator), "operator must be Exists when `key` is empty, which means \"match all values and all keys\""))
		}
		if t.TolerationSeconds != nil && t.Effect != corev1.TaintEffectNoExecute {
			errs = append(errs, meta.Invalid(tp+".effect", string(t.Effect), "effect must be 'NoExecute' when `tolerationSeconds` is set"))
		}
		switch t.Operator {
		case corev1.TolerationOpEqual, "":
			if msgs := content.IsLabelValue(t.Value); len(msgs) > 0 {
				errs = append(errs, meta.Invalid(tp+".operator", t.Value, strings.Join(msgs, ";")))
			}
		case corev1.TolerationOpExists:
			if t.Value != "" {
				errs = append(errs, meta.Invalid(tp+".operator", t.Value, "value must be empty when `operator` is 'Exists'"))
			}
		case corev1.TolerationOpLt, corev1.TolerationOpGt:
			// Comparisons are an alpha feature, off by default.
			errs = append(errs, meta.NotSupported(tp+".operator", string(t.Operator), "Equal", "Exists", "Lt", "Gt"))
		default:
			errs = append(errs, meta.NotSupported(tp+".operator", string(t.Operator), "Equal", "Exists"))
		}
		if t.Effect != "" {
			switch t.Effect {
			case corev1.TaintEffectNoSchedule, corev1.TaintEffectPreferNoSchedule, corev1.TaintEffectNoExecute:
			default:
				errs = append(errs, meta.NotSupported(tp+".effect", string(t.Effect), "NoSchedule", "PreferNoSchedule", "NoExecute"))
			}
		}
	}
	return errs
}

// validateContainerRestart checks a container's own restart policy, which
// the ContainerRestartRules feature (on by default) allows.
func validateContainerRestart(c *corev1.Container, path string, errs []meta.FieldError) []meta.FieldError {
	switch p := c.RestartPolicy; {
	case p == nil && len(c.RestartPolicyRules) > 0:
		errs = append(errs, meta.Required(path+".restartPolicy", "must specify restartPolicy when restart rules are used"))
	case p != nil && !slices.Contains([]string{"Always", "Never", "OnFailure"}, string(*p)):
		errs = append(errs, meta.NotSupported(path+".restartPolicy", string(*p), "Always", "Never", "OnFailure"))
	}
	return errs
}

// oneOf checks an enumerated value: required, and one of valid.
func oneOf(errs []meta.FieldError, path, v string, valid ...string) []meta.FieldError {
	switch {
	case v == "":
		return append(errs, meta.Required(path, ""))
	case !slices.Contains(valid, v):
		return append(errs, meta.NotSupported(path, v, valid...))
	}
	return errs
}

func validateVolumes(vs []corev1.Volume, path string, names map[string]bool, errs []meta.FieldError) []meta.FieldError {
	for i := range vs {
		v := &vs[i]
		vp := fmt.Sprintf("%s[%d]", path, i)
		var el []meta.FieldError
		el = validateVolumeSource(&v.VolumeSource, vp, el)
		if v.Name == "" {
			el = append(el, meta.Required(vp+".name", ""))
		} else {
			el = dnsLabel(el, vp+".name", v.Name)
		}
		if names[v.Name] {
			el = append(el, meta.Duplicate(vp+".name", v.Name))
		}
		if len(el) == 0 {
			names[v.Name] = true
		}
		errs = append(errs, el...)
	}
	return errs
}

// volumeSourceNames are the JSON names of a VolumeSource's fields, in the
// order the API server checks them.
var volumeSourceNames = []string{
	"emptyDir", "hostPath", "gitRepo", "gcePersistentDisk", "awsElasticBlockStore", "secret", "nfs",
	"iscsi", "glusterfs", "flocker", "persistentVolumeClaim", "rbd", "cinder", "cephfs", "quobyte",
	"downwardAPI", "fc", "flexVolume", "configMap", "azureFile", "vsphereVolume", "photonPersistentDisk",
	"portworxVolume", "azureDisk", "storageos", "projected", "scaleIO", "csi", "ephemeral", "image",
}

// validateVolumeSource checks that a volume names exactly one source.
func validateVolumeSource(s *corev1.VolumeSource, path string, errs []meta.FieldError) []meta.FieldError {
	set := map[string]bool{
		"emptyDir": s.EmptyDir != nil, "hostPath": s.HostPath != nil, "gitRepo": s.GitRepo != nil,
		"gcePersistentDisk": s.GCEPersistentDisk != nil, "awsElasticBlockStore": s.AWSElasticBlockStore != nil,
		"secret": s.Secret != nil, "nfs": s.NFS != nil, "iscsi": s.ISCSI != nil, "glusterfs": s.Glusterfs != nil,
		"flocker": s.Flocker != nil, "persistentVolumeClaim": s.PersistentVolumeClaim != nil, "rbd": s.RBD != nil,
		"cinder": s.Cinder != nil, "cephfs": s.CephFS != nil, "quobyte": s.Quobyte != nil, "downwardAPI": s.DownwardAPI != nil,
		"fc": s.FC != nil, "flexVolume": s.FlexVolume != nil, "configMap": s.ConfigMap != nil, "azureFile": s.AzureFile != nil,
		"vsphereVolume": s.VsphereVolume != nil, "photonPersistentDisk": s.PhotonPersistentDisk != nil,
		"portworxVolume": s.PortworxVolume != nil, "azureDisk": s.AzureDisk != nil, "storageos": s.StorageOS != nil,
		"projected": s.Projected != nil, "scaleIO": s.ScaleIO != nil, "csi": s.CSI != nil, "ephemeral": s.Ephemeral != nil,
		"image": s.Image != nil,
	}
	n := 0
	for _, name := range volumeSourceNames {
		if !set[name] {
			continue
		}
		if n > 0 {
			errs = append(errs, meta.Forbidden(path+"."+name, "may not specify more than 1 volume type"))
			continue
		}
		n++
	}
	if n == 0 {
		errs = append(errs, meta.Required(path, "must specify a volume type"))
	}
	return errs
}

// validateContainer checks what the API server checks of every kind of
// container.
func validateContainer(c *corev1.Container, vols map[string]bool, path string, errs []meta.FieldError) []meta.FieldError {
	if c.Name == "" {
		errs = append(errs, meta.Required(path+".name", ""))
	} else {
		errs = dnsLabel(errs, path+".name", c.Name)
	}
	if c.Image == "" {
		errs = append(errs, meta.Required(path+".image", ""))
	}
	errs = oneOf(errs, path+".terminationMessagePolicy", string(c.TerminationMessagePolicy), "File", "FallbackToLogsOnError")
	errs = validatePorts(c.Ports, path+".ports", errs)
	errs = validateEnv(c.Env, path+".env", errs)
	errs = validateMounts(c.VolumeMounts, vols, path+".volumeMounts", errs)
	errs = oneOf(errs, path+".imagePullPolicy", string(c.ImagePullPolicy), "Always", "IfNotPresent", "Never")
	return validateResources(&c.Resources, path+".resources", errs)
}

func validatePorts(ps []corev1.ContainerPort, path string, errs []meta.FieldError) []meta.FieldError {
	names := map[string]bool{}
	for i, p := range ps {
		pp := fmt.Sprintf("%s[%d]", path, i)
		if p.Name != "" {
			if msgs := portNameErrors(p.Name); len(msgs) > 0 {
				for _, msg := range msgs {
					errs = append(errs, meta.Invalid(pp+".name", p.Name, msg))
				}
			} else if names[p.Name] {
				errs = append(errs, meta.Duplicate(pp+".name", p.Name))
			} else {
				names[p.Name] = true
			}
		}
		if p.ContainerPort == 0 {
			errs = append(errs, meta.Required(pp+".containerPort", ""))
		} else if !validPort(int64(p.ContainerPort)) {
			errs = append(errs, meta.Invalid(pp+".containerPort", p.ContainerPort, inclusiveRange(1, 65535)))
		}
		if p.HostPort != 0 && !validPort(int64(p.HostPort)) {
			errs = append(errs, meta.Invalid(pp+".hostPort", p.HostPort, inclusiveRange(1, 65535)))
		}
		errs = oneOf(errs, pp+".protocol", string(p.Protocol), "SCTP", "TCP", "UDP")
	}
	return errs
}

func validPort(n int64) bool { return n >= 1 && n <= 65535 }

func inclusiveRange(lo, hi int64) string {
	return fmt.Sprintf("must be between %d and %d, inclusive", lo, hi)
}

var (
	portNameChars  = regexp.MustCompile(`^[-a-z0-9]+$`)
	portNameLetter = regexp.MustCompile(`[a-z]`)
)

// portNameErrors returns what is wrong with an IANA service name.
func portNameErrors(s string) []string {
	var msgs []string
	if len(s) > 15 {
		msgs = append(msgs, "must be no more than 15 characters")
	}
	if !portNameChars.MatchString(s) {
		msgs = append(msgs, "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
	}
	if !portNameLetter.MatchString(s) {
		msgs = append(msgs, "must contain at least one letter (a-z)")
	}
	if strings.Contains(s, "--") {
		msgs = append(msgs, "must not contain consecutive hyphens")
	}
	if s != "" && (s[0] == '-' || s[len(s)-1] == '-') {
		msgs = append(msgs, "must not begin or end with a hyphen")
	}
	return msgs
}

const (
	dnsLabelFmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
	dnsLabelMsg = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '" + dnsLabelFmt + "')"
	dnsSubFmt   = dnsLabelFmt + "(\\." + dnsLabelFmt + ")*"
	dnsSubMsg   = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '" + dnsSubFmt + "')"
)

var (
	dnsLabelRE = regexp.MustCompile("^" + dnsLabelFmt + "$")
	dnsSubRE   = regexp.MustCompile("^" + dnsSubFmt + "$")
)

// dnsLabel checks an RFC 1123 label, as container and volume names are.
func dnsLabel(errs []meta.FieldError, path, s string) []meta.FieldError {
	if len(s) > 63 {
		errs = append(errs, meta.Invalid(path, s, "must be no more than 63 characters"))
	}
	if !dnsLabelRE.MatchString(s) {
		msg := dnsLabelMsg
		if dnsSubRE.MatchString(s) {
			msg = "must not contain dots"
		}
		errs = append(errs, meta.Invalid(path, s, msg))
	}
	return errs
}

func dnsSubdomainErrors(s string) []string {
	var msgs []string
	if len(s) > 253 {
		msgs = append(msgs, "must be no more than 253 characters")
	}
	if !dnsSubRE.MatchString(s) {
		msgs = append(msgs, dnsSubMsg)
	}
	return msgs
}

func validateEnv(env []corev1.EnvVar, path string, errs []meta.FieldError) []meta.FieldError {
	for i, e := range env {
		ep := fmt.Sprintf("%s[%d]", path, i)
		if e.Name == "" {
			errs = append(errs, meta.Required(ep+".name", ""))
		} else if badEnvName(e.Name) {
			errs = append(errs, meta.Invalid(ep+".name", e.Name, envNameMsg))
		}
		errs = validateEnvSource(&e, ep+".valueFrom", errs)
	}
	return errs
}

func validateEnvSource(e *corev1.EnvVar, path string, errs []meta.FieldError) []meta.FieldError {
	s := e.ValueFrom
	if s == nil {
		return errs
	}
	n := 0
	for _, set := range []bool{s.FieldRef != nil, s.ResourceFieldRef != nil, s.ConfigMapKeyRef != nil, s.SecretKeyRef != nil, s.FileKeyRef != nil} {
		if set {
			n++
		}
	}
	switch {
	case n == 0:
		errs = append(errs, meta.Invalid(path, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef`, `secretKeyRef` or `fileKeyRef`"))
	case e.Value != "":
		errs = append(errs, meta.Invalid(path, "", "may not be specified when `value` is not empty"))
	case n > 1:
		errs = append(errs, meta.Invalid(path, "", "may not have more than one field specified at a time"))
	}
	return errs
}

func validateMounts(ms []corev1.VolumeMount, vols map[string]bool, path string, errs []meta.FieldError) []meta.FieldError {
	points := map[string]bool{}
	for i, m := range ms {
		mp := fmt.Sprintf("%s[%d]", path, i)
		if m.Name == "" {
			errs = append(errs, meta.Required(mp+".name", ""))
		}
		if !vols[m.Name] {
			errs = append(errs, meta.NotFound(mp+".name", m.Name))
		}
		if m.MountPath == "" {
			errs = append(errs, meta.Required(mp+".mountPath", ""))
		}
		if points[m.MountPath] {
			errs = append(errs, meta.Invalid(mp+".mountPath", m.MountPath, "must be unique"))
		}
		points[m.MountPath] = true
	}
	return errs
}

// validateResources checks limits, then requests, each in name order
// (the API server's own order is that of a map, so random).
func validateResources(r *corev1.ResourceRequirements, path string, errs []meta.FieldError) []meta.FieldError {
	for _, name := range slices.Sorted(maps.Keys(r.Limits)) {
		errs = validateQuantity(name, r.Limits[name], fmt.Sprintf("%s.limits[%s]", path, name), errs)
	}
	for _, name := range slices.Sorted(maps.Keys(r.Requests)) {
		q := r.Requests[name]
		errs = validateQuantity(name, q, fmt.Sprintf("%s.requests[%s]", path, name), errs)
		limit, ok := r.Limits[name]
		switch {
		case ok && q.Cmp(limit) != 0 && !overcommitAllowed(name):
			errs = append(errs, meta.Invalid(path+".requests", q.String(), fmt.Sprintf("must be equal to %s limit of %s", name, limit.String())))
		case ok && q.Cmp(limit) > 0:
			errs = append(errs, meta.Invalid(path+".requests", q.String(), fmt.Sprintf("must be less than or equal to %s limit of %s", name, limit.String())))
		case !ok && !overcommitAllowed(name):
			errs = append(errs, meta.Required(path+".limits", "Limit must be set for non overcommitable resources"))
		}
	}
	return errs
}

func validateQuantity(name corev1.ResourceName, q resource.Quantity, path string, errs []meta.FieldError) []meta.FieldError {
	if q.Sign() < 0 {
		errs = append(errs, meta.Invalid(path, q.String(), "must be greater than or equal to 0"))
	}
	if integerResource(name) && q.MilliValue()%1000 != 0 {
		errs = append(errs, meta.Invalid(path, q, "must be an integer"))
	}
	return errs
}

// overcommitAllowed reports whether a container may request less of a
// resource than its limit: the kubernetes.io resources other than huge
// pages may be, extended resources (GPUs, say) may not.
func overcommitAllowed(name corev1.ResourceName) bool {
	return nativeResource(name) && !strings.HasPrefix(string(name), corev1.ResourceHugePagesPrefix)
}

func nativeResource(name corev1.ResourceName) bool {
	return !strings.Contains(string(name), "/") || strings.Contains(string(name), corev1.ResourceDefaultNamespacePrefix)
}

// integerResource reports whether a resource comes only in whole units.
func integerResource(name corev1.ResourceName) bool {
	return !nativeResource(name) && !strings.HasPrefix(string(name), "requests.") ||
		name == corev1.ResourcePods
}

func validateProbes(c *corev1.Container, path string, errs []meta.FieldError) []meta.FieldError {
	if p := c.LivenessProbe; p != nil {
		errs = validateProbe(p, path+".livenessProbe", errs)
		if p.SuccessThreshold != 1 {
			errs = append(errs, meta.Invalid(path+".livenessProbe.successThreshold", p.SuccessThreshold, "must be 1"))
		}
	}
	if p := c.ReadinessProbe; p != nil {
		errs = validateProbe(p, path+".readinessProbe", errs)
		if p.TerminationGracePeriodSeconds != nil {
			errs = append(errs, meta.Invalid(path+".readinessProbe.terminationGracePeriodSeconds", *p.TerminationGracePeriodSeconds, "must not be set for readinessProbes"))
		}
	}
	if p := c.StartupProbe; p != nil {
		errs = validateProbe(p, path+".startupProbe", errs)
		if p.SuccessThreshold != 1 {
			errs = append(errs, meta.Invalid(path+".startupProbe.successThreshold", p.SuccessThreshold, "must be 1"))
		}
	}
	return errs
}

func validateProbe(p *corev1.Probe, path string, errs []meta.FieldError) []meta.FieldError {
	errs = validateHandler(&p.ProbeHandler, path, errs)
	for _, f := range []struct {
		name string
		v    int32
	}{
		{"initialDelaySeconds", p.InitialDelaySeconds}, {"timeoutSeconds", p.TimeoutSeconds}, {"periodSeconds", p.PeriodSeconds},
		{"successThreshold", p.SuccessThreshold}, {"failureThreshold", p.FailureThreshold},
	} {
		if f.v < 0 {
			errs = append(errs, meta.Invalid(path+"."+f.name, int64(f.v), "must be greater than or equal to 0"))
		}
	}
	if g := p.TerminationGracePeriodSeconds; g != nil && *g <= 0 {
		errs = append(errs, meta.Invalid(path+".terminationGracePeriodSeconds", *g, "must be greater than 0"))
	}
	return errs
}

func validateHandler(h *corev1.ProbeHandler, path string, errs []meta.FieldError) []meta.FieldError {
	n := 0
	more := func(name string) bool {
		if n > 0 {
			errs = append(errs, meta.Forbidden(path+"."+name, "may not specify more than 1 handler type"))
			return false
		}
		n++
		return true
	}
	if h.Exec != nil && more("exec") && len(h.Exec.Command) == 0 {
		errs = append(errs, meta.Required(path+".exec.command", ""))
	}
	if h.HTTPGet != nil && more("httpGet") {
		g, hp := h.HTTPGet, path+".httpGet"
		if g.Path == "" {
			errs = append(errs, meta.Required(hp+".path", ""))
		}
		errs = validatePortNumOrName(g.Port, hp+".port", errs)
		if g.Scheme != corev1.URISchemeHTTP && g.Scheme != corev1.URISchemeHTTPS {
			errs = append(errs, meta.NotSupported(hp+".scheme", string(g.Scheme), "HTTP", "HTTPS"))
		}
	}
	if h.TCPSocket != nil && more("tcpSocket") {
		errs = validatePortNumOrName(h.TCPSocket.Port, path+".tcpSocket.port", errs)
	}
	if h.GRPC != nil && more("grpc") {
		errs = validatePortNumOrName(intstr.FromInt32(h.GRPC.Port), path+".grpc.port", errs)
	}
	if n == 0 {
		errs = append(errs, meta.Required(path, "must specify a handler type"))
	}
	return errs
}

func validatePortNumOrName(p intstr.IntOrString, path string, errs []meta.FieldError) []meta.FieldError {
	if p.Type == intstr.Int {
		if !validPort(int64(p.IntVal)) {
			errs = append(errs, meta.Invalid(path, int(p.IntVal), inclusiveRange(1, 65535)))
		}
		return errs
	}
	for _, msg := range portNameErrors(p.StrVal) {
		errs = append(errs, meta.Invalid(path, p.StrVal, msg))
	}
	return errs
}
