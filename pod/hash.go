package pod

import (
	"encoding/binary"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/davecgh/go-spew/spew"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/rollsim/rollsim/meta"
)

// Hash computes the pod-template-hash of t, without its own hash label, for
// a Deployment whose collision count is collisions (nil when never set).
//
// It is upstream's value: an FNV-1a hash of the text go-spew prints for the
// template as the API server stores it (apps/v1 defaults applied), then the
// collision count, encoded in the alphabet of generated names. For a
// template with only the fields the simulator models, the text is written
// here directly, every other field being unset; a test checks it byte for
// byte against go-spew's. Any other template is converted to the API's
// type, defaulted, passed through JSON as the API server's storage passes
// it, and printed by go-spew as upstream does. A resource quantity hashes
// as the API server's parse of its canonical string, as when the manifest
// wrote it canonically ("250m", "512Mi").
func (t *Template) Hash(collisions *int32) string {
	h := fnvWriter{fnvOffset32}
	if t.simple() {
		t.writeSpew(&h)
	} else {
		spewConfig.Fprintf(&h, "%#v", t.stored())
	}
	if collisions != nil {
		var b [8]byte
		binary.LittleEndian.PutUint32(b[:4], uint32(*collisions))
		h.WriteString(string(b[:]))
	}
	return SafeEncode(strconv.FormatUint(uint64(h.sum), 10))
}

// stored returns the template as the Deployment controller reads it from
// the API server, without the pod-template-hash label: defaulted, and as
// JSON leaves it (quantities canonical, empty lists and maps unset).
func (t *Template) stored() corev1.PodTemplateSpec {
	api := t.API()
	delete(api.Labels, TemplateHashLabel)
	var out corev1.PodTemplateSpec
	b, err := json.Marshal(&api)
	if err == nil {
		err = json.Unmarshal(b, &out)
	}
	if err != nil {
		// The API's types always go through JSON; should one not, the
		// template as built is the best there is.
		return api
	}
	// Containers' cpu and memory hash as the fast path writes them, so
	// that a template's hash does not depend on which path it takes.
	for i := range out.Spec.Containers {
		r, from := &out.Spec.Containers[i].Resources, &api.Spec.Containers[i].Resources
		keepCompute(r.Limits, from.Limits)
		keepCompute(r.Requests, from.Requests)
	}
	return out
}

func keepCompute(to, from corev1.ResourceList) {
	for _, name := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		if q, ok := from[name]; ok {
			to[name] = q
		}
	}
}

// spewWriter takes the text a template hashes: a strings.Builder to see
// it, an fnvWriter to hash it as it is written.
type spewWriter = meta.TextWriter

// fnvWriter hashes what is written to it with 32-bit FNV-1a.
type fnvWriter struct{ sum uint32 }

// WriteString hashes s.
func (w *fnvWriter) WriteString(s string) (int, error) {
	w.sum = fnv32a(w.sum, s)
	return len(s), nil
}

// Write hashes p.
func (w *fnvWriter) Write(p []byte) (int, error) {
	for _, c := range p {
		w.sum = (w.sum ^ uint32(c)) * fnvPrime32
	}
	return len(p), nil
}

// WriteByte hashes c.
func (w *fnvWriter) WriteByte(c byte) error {
	w.sum = (w.sum ^ uint32(c)) * fnvPrime32
	return nil
}

// FNV-1a, 32 bits (hash/fnv's New32a), over a string without copying it.
const (
	fnvOffset32 = 2166136261
	fnvPrime32  = 16777619
)

func fnv32a(h uint32, s string) uint32 {
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * fnvPrime32
	}
	return h
}

// The constant parts of the text, for k8s.io/api v0.37.
const (
	spewMetaHead = "(v1.PodTemplateSpec){ObjectMeta:(v1.ObjectMeta){Name:(string) GenerateName:(string) Namespace:(string) SelfLink:(string) UID:(types.UID) ResourceVersion:(string) Generation:(int64)0 CreationTimestamp:(v1.Time){Time:(time.Time){wall:(uint64)0 ext:(int64)0 loc:(*time.Location)<nil>}} DeletionTimestamp:(*v1.Time)<nil> DeletionGracePeriodSeconds:(*int64)<nil> Labels:(map[string]string)"
	spewSpecHead = " OwnerReferences:([]v1.OwnerReference)<nil> Finalizers:([]string)<nil> ManagedFields:([]v1.ManagedFieldsEntry)<nil>} Spec:(v1.PodSpec){Volumes:([]v1.Volume)<nil> InitContainers:([]v1.Container)<nil> Containers:([]v1.Container)["
	spewRestart  = "] EphemeralContainers:([]v1.EphemeralContainer)<nil> RestartPolicy:(v1.RestartPolicy)"
	spewDNS      = " TerminationGracePeriodSeconds:(*int64)30 ActiveDeadlineSeconds:(*int64)<nil> DNSPolicy:(v1.DNSPolicy)ClusterFirst NodeSelector:(map[string]string)"
	spewTail     = " ServiceAccountName:(string) DeprecatedServiceAccount:(string) AutomountServiceAccountToken:(*bool)<nil> NodeName:(string) HostNetwork:(bool)false HostPID:(bool)false HostIPC:(bool)false ShareProcessNamespace:(*bool)<nil> SecurityContext:(*v1.PodSecurityContext){SELinuxOptions:(*v1.SELinuxOptions)<nil> WindowsOptions:(*v1.WindowsSecurityContextOptions)<nil> RunAsUser:(*int64)<nil> RunAsGroup:(*int64)<nil> RunAsNonRoot:(*bool)<nil> SupplementalGroups:([]int64)<nil> SupplementalGroupsPolicy:(*v1.SupplementalGroupsPolicy)<nil> FSGroup:(*int64)<nil> Sysctls:([]v1.Sysctl)<nil> FSGroupChangePolicy:(*v1.PodFSGroupChangePolicy)<nil> SeccompProfile:(*v1.SeccompProfile)<nil> AppArmorProfile:(*v1.AppArmorProfile)<nil> SELinuxChangePolicy:(*v1.PodSELinuxChangePolicy)<nil>} ImagePullSecrets:([]v1.LocalObjectReference)<nil> Hostname:(string) Subdomain:(string) Affinity:(*v1.Affinity)<nil> SchedulerName:(string)default-scheduler Tolerations:([]v1.Toleration)<nil> HostAliases:([]v1.HostAlias)<nil> PriorityClassName:(string) Priority:(*int32)<nil> DNSConfig:(*v1.PodDNSConfig)<nil> ReadinessGates:([]v1.PodReadinessGate)<nil> RuntimeClassName:(*string)<nil> EnableServiceLinks:(*bool)<nil> PreemptionPolicy:(*v1.PreemptionPolicy)<nil> Overhead:(v1.ResourceList)<nil> TopologySpreadConstraints:([]v1.TopologySpreadConstraint)<nil> SetHostnameAsFQDN:(*bool)<nil> OS:(*v1.PodOS)<nil> HostUsers:(*bool)<nil> SchedulingGates:([]v1.PodSchedulingGate)<nil> ResourceClaims:([]v1.PodResourceClaim)<nil> Resources:(*v1.ResourceRequirements)<nil> HostnameOverride:(*string)<nil> SchedulingGroup:(*v1.PodSchedulingGroup)<nil> EvictionResponders:([]v1.EvictionResponder)<nil>}}"

	spewCtrName   = "{Name:(string)"
	spewCtrImage  = " Image:(string)"
	spewCtrPorts  = " Command:([]string)<nil> Args:([]string)<nil> WorkingDir:(string) Ports:([]v1.ContainerPort)"
	spewCtrEnv    = " EnvFrom:([]v1.EnvFromSource)<nil> Env:([]v1.EnvVar)"
	spewCtrLimits = " Resources:(v1.ResourceRequirements){Limits:(v1.ResourceList)"
	spewCtrReqs   = " Requests:(v1.ResourceList)"
	spewCtrPull   = " Claims:([]v1.ResourceClaim)<nil>} ResizePolicy:([]v1.ContainerResizePolicy)<nil> RestartPolicy:(*v1.ContainerRestartPolicy)<nil> RestartPolicyRules:([]v1.ContainerRestartRule)<nil> VolumeMounts:([]v1.VolumeMount)<nil> VolumeDevices:([]v1.VolumeDevice)<nil> LivenessProbe:(*v1.Probe)<nil> ReadinessProbe:(*v1.Probe)<nil> StartupProbe:(*v1.Probe)<nil> Lifecycle:(*v1.Lifecycle)<nil> TerminationMessagePath:(string)/dev/termination-log TerminationMessagePolicy:(v1.TerminationMessagePolicy)File ImagePullPolicy:(v1.PullPolicy)"
	spewCtrTail   = " SecurityContext:(*v1.SecurityContext)<nil> Stdin:(bool)false StdinOnce:(bool)false TTY:(bool)false}"
)

// writeSpew writes the text upstream hashes for t.
func (t *Template) writeSpew(b spewWriter) {
	b.WriteString(spewMetaHead)
	spewMap(b, t.Labels, TemplateHashLabel)
	b.WriteString(" Annotations:(map[string]string)")
	spewMap(b, t.Annotations, "")
	b.WriteString(spewSpecHead)
	for i, c := range t.Spec.Containers {
		if i > 0 {
			b.WriteByte(' ')
		}
		spewContainer(b, &c)
	}
	b.WriteString(spewRestart)
	b.WriteString(cmpOr(t.Spec.RestartPolicy, "Always"))
	b.WriteString(spewDNS)
	spewMap(b, t.Spec.NodeSelector, "")
	b.WriteString(spewTail)
}

func spewContainer(b spewWriter, c *Container) {
	b.WriteString(spewCtrName)
	b.WriteString(c.Name)
	b.WriteString(spewCtrImage)
	b.WriteString(c.Image)
	b.WriteString(spewCtrPorts)
	spewList(b, len(c.Ports), func(i int) string {
		p := c.Ports[i]
		return "{Name:(string)" + p.Name +
			" HostPort:(int32)" + strconv.Itoa(int(p.HostPort)) +
			" ContainerPort:(int32)" + strconv.Itoa(int(p.ContainerPort)) +
			" Protocol:(v1.Protocol)" + cmpOr(p.Protocol, "TCP") +
			" HostIP:(string)" + p.HostIP + "}"
	})
	b.WriteString(spewCtrEnv)
	spewList(b, len(c.Env), func(i int) string {
		e := c.Env[i]
		return "{Name:(string)" + e.Name + " Value:(string)" + e.Value + " ValueFrom:(*v1.EnvVarSource)<nil>}"
	})
	b.WriteString(spewCtrLimits)
	spewResources(b, c.Limits)
	b.WriteString(spewCtrReqs)
	spewResources(b, c.Requests)
	b.WriteString(spewCtrPull)
	b.WriteString(c.EffectivePullPolicy())
	b.WriteString(spewCtrTail)
}

// spewList writes a slice of n elements as go-spew does; an empty slice is
// unset.
func spewList(b spewWriter, n int, elem func(i int) string) {
	if n == 0 {
		b.WriteString("<nil>")
		return
	}
	b.WriteByte('[')
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(elem(i))
	}
	b.WriteByte(']')
}

// spewMap writes a string map as go-spew does with sorted keys, leaving
// out one key; an empty map is unset.
func spewMap(b spewWriter, m map[string]string, skip string) {
	keys := make([]string, 0, len(m))
	for k := range m {
		if k != skip {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		b.WriteString("<nil>")
		return
	}
	slices.Sort(keys)
	b.WriteString("map[")
	meta.WriteEntries(b, m, keys, ' ', ':')
	b.WriteByte(']')
}

var spewConfig = spew.ConfigState{Indent: " ", SortKeys: true, DisableMethods: true, SpewKeys: true}

// spewResources writes a ResourceList of cpu and memory.
func spewResources(b spewWriter, r Resources) {
	if r.MilliCPU == 0 && r.Memory == 0 {
		b.WriteString("<nil>")
		return
	}
	b.WriteString("map[")
	if r.MilliCPU != 0 {
		b.WriteString("cpu:")
		spewQuantity(b, resource.NewMilliQuantity(r.MilliCPU, resource.DecimalSI))
	}
	if r.Memory != 0 {
		if r.MilliCPU != 0 {
			b.WriteByte(' ')
		}
		b.WriteString("memory:")
		spewQuantity(b, resource.NewQuantity(r.Memory, resource.BinarySI))
	}
	b.WriteByte(']')
}

// spewQuantity writes the quantity the API server parses from q's
// canonical string, as go-spew prints it inside a map.
func spewQuantity(b spewWriter, q *resource.Quantity) {
	parsed, err := resource.ParseQuantity(q.String())
	if err != nil {
		parsed = *q
	}
	s := spewConfig.Sprintf("%#v", parsed)
	b.WriteString(strings.TrimPrefix(s, "(resource.Quantity)"))
}

// pullPolicy is the API server's default imagePullPolicy: Always for the
// "latest" tag (also implied by no tag and no digest), else IfNotPresent.
func pullPolicy(image string) string {
	name, digest, hasDigest := strings.Cut(image, "@")
	_ = digest
	tag := ""
	if i := strings.LastIndexByte(name, ':'); i > strings.LastIndexByte(name, '/') {
		tag = name[i+1:]
	}
	if tag == "latest" || tag == "" && !hasDigest {
		return "Always"
	}
	return "IfNotPresent"
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
