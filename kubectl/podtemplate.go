package kubectl

import (
	"fmt"
	"maps"
	"net"
	"net/url"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/rollsim/rollsim/pod"
)

// PodTemplate renders a pod template as kubectl's describers do ("Pod
// Template:" and what follows), tab-separated before alignment: the
// template as the API server stores it, defaulted, every field kubectl
// shows included (init containers, command and args, probes, environment
// sources, mounts, volumes, topology spread, tolerations, ...).
func PodTemplate(t *pod.Template) string {
	api := t.API()
	s := &api.Spec
	var b strings.Builder
	b.WriteString("Pod Template:\n")
	writeLabels(&b, "  Labels", api.Labels)
	if len(api.Annotations) > 0 {
		writeAnnotations(&b, "  Annotations", api.Annotations)
	}
	if s.ServiceAccountName != "" {
		fmt.Fprintf(&b, "  Service Account:\t%s\n", s.ServiceAccountName)
	}
	if len(s.InitContainers) > 0 {
		writeContainers(&b, "Init Containers", s.InitContainers, nil)
	}
	writeContainers(&b, "Containers", s.Containers, t.Spec.Containers)
	writeVolumes(&b, s.Volumes)
	writeSpreadConstraints(&b, s.TopologySpreadConstraints)
	if s.PriorityClassName != "" {
		fmt.Fprintf(&b, "  Priority Class Name:\t%s\n", s.PriorityClassName)
	}
	writeLabels(&b, "  Node-Selectors", s.NodeSelector)
	writeTolerations(&b, s.Tolerations)
	if g := s.SchedulingGroup; g != nil && g.PodGroupName != nil {
		fmt.Fprintf(&b, "  SchedulingGroup:\n    PodGroupName:\t%s\n", *g.PodGroupName)
	}
	return b.String()
}

// writeContainers writes a list of containers; modeled, when not nil,
// holds the simulator's view of the same containers, whose cpu and memory
// are written as the rest of kubectl's output writes them.
func writeContainers(b *strings.Builder, label string, cs []corev1.Container, modeled []pod.Container) {
	if len(cs) == 0 {
		fmt.Fprintf(b, "  %s: <none>\n", label)
		return
	}
	fmt.Fprintf(b, "  %s:\n", label)
	for i := range cs {
		c := &cs[i]
		fmt.Fprintf(b, "   %s:\n", c.Name)
		fmt.Fprintf(b, "    Image:\t%s\n", c.Image)
		ports, hostPorts := containerPorts(c.Ports)
		if strings.Contains(ports, ",") {
			fmt.Fprintf(b, "    Ports:\t%s\n", ports)
		} else {
			fmt.Fprintf(b, "    Port:\t%s\n", orNone(ports))
		}
		if strings.Contains(hostPorts, ",") {
			fmt.Fprintf(b, "    Host Ports:\t%s\n", hostPorts)
		} else {
			fmt.Fprintf(b, "    Host Port:\t%s\n", orNone(hostPorts))
		}
		if sc := c.SecurityContext; sc != nil && sc.SeccompProfile != nil {
			fmt.Fprintf(b, "    SeccompProfile:\t%s\n", sc.SeccompProfile.Type)
			if sc.SeccompProfile.Type == corev1.SeccompProfileTypeLocalhost && sc.SeccompProfile.LocalhostProfile != nil {
				fmt.Fprintf(b, "      LocalhostProfile:\t%s\n", *sc.SeccompProfile.LocalhostProfile)
			}
		}
		writeLines(b, "Command", c.Command)
		writeLines(b, "Args", c.Args)
		var m *pod.Container
		if i < len(modeled) {
			m = &modeled[i]
		}
		writeResourceList(b, "Limits", c.Resources.Limits, m, func(c *pod.Container) pod.Resources { return c.Limits })
		writeResourceList(b, "Requests", c.Resources.Requests, m, func(c *pod.Container) pod.Resources { return c.Requests })
		for _, p := range []struct {
			title string
			probe *corev1.Probe
		}{{"Liveness", c.LivenessProbe}, {"Readiness", c.ReadinessProbe}, {"Startup", c.StartupProbe}} {
			if p.probe != nil {
				fmt.Fprintf(b, "    %s:\t%s\n", p.title, describeProbe(p.probe))
			}
		}
		if len(c.EnvFrom) > 0 {
			writeEnvFrom(b, c.EnvFrom)
		}
		writeEnv(b, c)
		writeMounts(b, c)
	}
}

func writeLines(b *strings.Builder, title string, items []string) {
	if len(items) == 0 {
		return
	}
	fmt.Fprintf(b, "    %s:\n", title)
	for _, item := range items {
		for _, line := range strings.Split(item, "\n") {
			fmt.Fprintf(b, "      %s\n", line)
		}
	}
}

func writeResourceList(b *strings.Builder, title string, l corev1.ResourceList, m *pod.Container, modeled func(*pod.Container) pod.Resources) {
	if len(l) == 0 {
		return
	}
	fmt.Fprintf(b, "    %s:\n", title)
	for _, name := range slices.Sorted(func(yield func(corev1.ResourceName) bool) {
		for k := range l {
			if !yield(k) {
				return
			}
		}
	}) {
		q := l[name]
		v := q.String()
		if m != nil {
			switch r := modeled(m); name {
			case corev1.ResourceCPU:
				v = FormatCPU(r.MilliCPU)
			case corev1.ResourceMemory:
				v = FormatMemory(r.Memory)
			}
		}
		fmt.Fprintf(b, "      %s:\t%s\n", name, v)
	}
}

func containerPorts(ps []corev1.ContainerPort) (ports, hostPorts string) {
	var a, h []string
	for _, p := range ps {
		x := fmt.Sprintf("%d/%s", p.ContainerPort, p.Protocol)
		y := fmt.Sprintf("%d/%s", p.HostPort, p.Protocol)
		if p.Name != "" {
			x += " (" + p.Name + ")"
			y += " (" + p.Name + ")"
		}
		a = append(a, x)
		h = append(h, y)
	}
	return strings.Join(a, ", "), strings.Join(h, ", ")
}

// describeProbe writes a probe as kubectl does: its handler, then its
// timing.
func describeProbe(p *corev1.Probe) string {
	attrs := fmt.Sprintf("delay=%ds timeout=%ds period=%ds successThreshold=%d failureThreshold=%d",
		p.InitialDelaySeconds, p.TimeoutSeconds, p.PeriodSeconds, p.SuccessThreshold, p.FailureThreshold)
	switch {
	case p.Exec != nil:
		return fmt.Sprintf("exec %v %s", p.Exec.Command, attrs)
	case p.HTTPGet != nil:
		u := url.URL{Scheme: strings.ToLower(string(p.HTTPGet.Scheme)), Host: p.HTTPGet.Host, Path: p.HTTPGet.Path}
		if port := p.HTTPGet.Port.String(); port != "" {
			u.Host = net.JoinHostPort(p.HTTPGet.Host, port)
		}
		return fmt.Sprintf("http-get %s %s", u.String(), attrs)
	case p.TCPSocket != nil:
		return fmt.Sprintf("tcp-socket %s:%s %s", p.TCPSocket.Host, p.TCPSocket.Port.String(), attrs)
	case p.GRPC != nil:
		service := ""
		if p.GRPC.Service != nil {
			service = *p.GRPC.Service
		}
		return fmt.Sprintf("grpc <pod>:%d %s %s", p.GRPC.Port, service, attrs)
	}
	return "unknown " + attrs
}

func writeEnvFrom(b *strings.Builder, from []corev1.EnvFromSource) {
	b.WriteString("    Environment Variables from:\n")
	for _, e := range from {
		kind, name, optional := "", "", false
		switch {
		case e.ConfigMapRef != nil:
			kind, name, optional = "ConfigMap", e.ConfigMapRef.Name, isTrue(e.ConfigMapRef.Optional)
		case e.SecretRef != nil:
			kind, name, optional = "Secret", e.SecretRef.Name, isTrue(e.SecretRef.Optional)
		}
		if e.Prefix == "" {
			fmt.Fprintf(b, "      %s\t%s\tOptional: %t\n", name, kind, optional)
		} else {
			fmt.Fprintf(b, "      %s\t%s with prefix '%s'\tOptional: %t\n", name, kind, e.Prefix, optional)
		}
	}
}

func isTrue(p *bool) bool { return p != nil && *p }

func writeEnv(b *strings.Builder, c *corev1.Container) {
	if len(c.Env) == 0 {
		b.WriteString("    Environment:\t<none>\n")
		return
	}
	b.WriteString("    Environment:\n")
	for _, e := range c.Env {
		f := e.ValueFrom
		switch {
		case f == nil:
			for i, line := range strings.Split(e.Value, "\n") {
				if i == 0 {
					fmt.Fprintf(b, "      %s:\t%s\n", e.Name, line)
				} else {
					fmt.Fprintf(b, "      \t%s\n", line)
				}
			}
		case f.FieldRef != nil:
			fmt.Fprintf(b, "      %s:\t (%s:%s)\n", e.Name, f.FieldRef.APIVersion, f.FieldRef.FieldPath)
		case f.ResourceFieldRef != nil:
			fmt.Fprintf(b, "      %s:\t%s (%s)\n", e.Name, resourceFieldValue(f.ResourceFieldRef, c), f.ResourceFieldRef.Resource)
		case f.SecretKeyRef != nil:
			fmt.Fprintf(b, "      %s:\t<set to the key '%s' in secret '%s'>\tOptional: %t\n", e.Name, f.SecretKeyRef.Key, f.SecretKeyRef.Name, isTrue(f.SecretKeyRef.Optional))
		case f.ConfigMapKeyRef != nil:
			fmt.Fprintf(b, "      %s:\t<set to the key '%s' of config map '%s'>\tOptional: %t\n", e.Name, f.ConfigMapKeyRef.Key, f.ConfigMapKeyRef.Name, isTrue(f.ConfigMapKeyRef.Optional))
		}
	}
}

// resourceFieldValue is what kubectl shows for an environment variable
// taken from the container's own resources: the amount in the variable's
// divisor, rounded up, or "node allocatable" for an unset cpu or memory
// limit.
func resourceFieldValue(r *corev1.ResourceFieldSelector, c *corev1.Container) string {
	var q resource.Quantity
	switch r.Resource {
	case "limits.cpu":
		q = c.Resources.Limits[corev1.ResourceCPU]
	case "limits.memory":
		q = c.Resources.Limits[corev1.ResourceMemory]
	case "limits.ephemeral-storage":
		q = c.Resources.Limits[corev1.ResourceEphemeralStorage]
	case "requests.cpu":
		q = c.Resources.Requests[corev1.ResourceCPU]
	case "requests.memory":
		q = c.Resources.Requests[corev1.ResourceMemory]
	case "requests.ephemeral-storage":
		q = c.Resources.Requests[corev1.ResourceEphemeralStorage]
	default:
		return ""
	}
	divisor := r.Divisor
	if divisor.IsZero() {
		divisor = resource.MustParse("1")
	}
	v := q.MilliValue()
	d := divisor.MilliValue()
	if d == 0 {
		return ""
	}
	n := (v + d - 1) / d
	if n == 0 && (r.Resource == "limits.cpu" || r.Resource == "limits.memory") {
		return "node allocatable"
	}
	return fmt.Sprint(n)
}

func writeMounts(b *strings.Builder, c *corev1.Container) {
	if len(c.VolumeMounts) == 0 {
		b.WriteString("    Mounts:\t<none>\n")
	} else {
		b.WriteString("    Mounts:\n")
	}
	mounts := slices.Clone(c.VolumeMounts)
	slices.SortStableFunc(mounts, func(x, y corev1.VolumeMount) int { return strings.Compare(x.MountPath, y.MountPath) })
	for _, m := range mounts {
		flags := "rw"
		if m.ReadOnly {
			flags = "ro"
		}
		if m.SubPath != "" {
			flags += fmt.Sprintf(",path=%q", m.SubPath)
		}
		fmt.Fprintf(b, "      %s from %s (%s)\n", m.MountPath, m.Name, flags)
	}
	if len(c.VolumeDevices) > 0 {
		none := ""
		if len(c.VolumeMounts) == 0 {
			none = "\t<none>"
		}
		fmt.Fprintf(b, "    Devices:%s\n", none)
		devices := slices.Clone(c.VolumeDevices)
		slices.SortStableFunc(devices, func(x, y corev1.VolumeDevice) int { return strings.Compare(x.DevicePath, y.DevicePath) })
		for _, d := range devices {
			fmt.Fprintf(b, "      %s from %s\n", d.DevicePath, d.Name)
		}
	}
}

// writeVolumes writes the volumes of the kinds manifests use most as
// kubectl does, and the kind alone of the others.
func writeVolumes(b *strings.Builder, vs []corev1.Volume) {
	if len(vs) == 0 {
		b.WriteString("  Volumes:\t<none>\n")
		return
	}
	b.WriteString("  Volumes:\n")
	for _, v := range vs {
		fmt.Fprintf(b, "   %s:\n", v.Name)
		s := &v.VolumeSource
		switch {
		case s.HostPath != nil:
			typ := "<none>"
			if s.HostPath.Type != nil {
				typ = string(*s.HostPath.Type)
			}
			fmt.Fprintf(b, "    Type:\tHostPath (bare host directory volume)\n    Path:\t%s\n    HostPathType:\t%s\n", s.HostPath.Path, typ)
		case s.EmptyDir != nil:
			limit := "<unset>"
			if l := s.EmptyDir.SizeLimit; l != nil && l.Sign() > 0 {
				limit = l.String()
			}
			fmt.Fprintf(b, "    Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t%s\n    SizeLimit:\t%s\n", s.EmptyDir.Medium, limit)
		case s.Secret != nil:
			fmt.Fprintf(b, "    Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t%s\n    Optional:\t%t\n", s.Secret.SecretName, isTrue(s.Secret.Optional))
		case s.ConfigMap != nil:
			fmt.Fprintf(b, "    Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t%s\n    Optional:\t%t\n", s.ConfigMap.Name, isTrue(s.ConfigMap.Optional))
		case s.NFS != nil:
			fmt.Fprintf(b, "    Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n    Server:\t%s\n    Path:\t%s\n    ReadOnly:\t%t\n", s.NFS.Server, s.NFS.Path, s.NFS.ReadOnly)
		case s.PersistentVolumeClaim != nil:
			fmt.Fprintf(b, "    Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t%s\n    ReadOnly:\t%t\n", s.PersistentVolumeClaim.ClaimName, s.PersistentVolumeClaim.ReadOnly)
		case s.DownwardAPI != nil:
			b.WriteString("    Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n")
			for _, item := range s.DownwardAPI.Items {
				if item.FieldRef != nil {
					fmt.Fprintf(b, "      %s -> %s\n", item.FieldRef.FieldPath, item.Path)
				}
				if item.ResourceFieldRef != nil {
					fmt.Fprintf(b, "      %s -> %s\n", item.ResourceFieldRef.Resource, item.Path)
				}
			}
		case s.Projected != nil:
			b.WriteString("    Type:\tProjected (a volume that contains injected data from multiple sources)\n")
			for _, src := range s.Projected.Sources {
				switch {
				case src.Secret != nil:
					fmt.Fprintf(b, "    SecretName:\t%s\n    Optional:\t%t\n", src.Secret.Name, isTrue(src.Secret.Optional))
				case src.DownwardAPI != nil:
					b.WriteString("    DownwardAPI:\ttrue\n")
				case src.ConfigMap != nil:
					fmt.Fprintf(b, "    ConfigMapName:\t%s\n    Optional:\t%t\n", src.ConfigMap.Name, isTrue(src.ConfigMap.Optional))
				case src.ServiceAccountToken != nil && src.ServiceAccountToken.ExpirationSeconds != nil:
					fmt.Fprintf(b, "    TokenExpirationSeconds:\t%d\n", *src.ServiceAccountToken.ExpirationSeconds)
				}
			}
		case s.Ephemeral != nil:
			b.WriteString("    Type:\tEphemeralVolume (an inline specification for a volume that gets created and deleted with the pod)\n")
			if t := s.Ephemeral.VolumeClaimTemplate; t != nil {
				writeClaimTemplate(b, t)
			}
		case s.Image != nil:
			fmt.Fprintf(b, "    Type:\tImage (a container image or OCI artifact)\n    Reference:\t%s\n    PullPolicy:\t%s\n", s.Image.Reference, s.Image.PullPolicy)
		default:
			b.WriteString("    Type:\t" + volumeKind(s) + "\n")
		}
	}
}

// writeClaimTemplate writes an ephemeral volume's claim as kubectl writes
// a claim not yet bound.
func writeClaimTemplate(b *strings.Builder, t *corev1.PersistentVolumeClaimTemplate) {
	class := t.Annotations[corev1.BetaStorageClassAnnotation]
	if c := t.Spec.StorageClassName; c != nil {
		class = *c
	}
	fmt.Fprintf(b, "    StorageClass:\t%s\n    Volume:\t%s\n", class, t.Spec.VolumeName)
	for _, m := range []struct {
		title string
		m     map[string]string
	}{{"Labels", t.Labels}, {"Annotations", t.Annotations}} {
		if len(m.m) == 0 {
			fmt.Fprintf(b, "    %s:\t    <none>\n", m.title)
			continue
		}
		fmt.Fprintf(b, "    %s:\t", m.title)
		for i, k := range slices.Sorted(maps.Keys(m.m)) {
			if i > 0 {
				b.WriteString("    \t")
			}
			sep := "="
			if m.title == "Annotations" {
				sep = ": "
			}
			fmt.Fprintf(b, "%s%s%s\n", k, sep, m.m[k])
		}
	}
	b.WriteString("    Capacity:\t\n    Access Modes:\t\n")
	if m := t.Spec.VolumeMode; m != nil {
		fmt.Fprintf(b, "    VolumeMode:\t%s\n", *m)
	}
	if ds := t.Spec.DataSource; ds != nil {
		b.WriteString("    DataSource:\n")
		if ds.APIGroup != nil {
			fmt.Fprintf(b, "      APIGroup:\t%s\n", *ds.APIGroup)
		}
		fmt.Fprintf(b, "      Kind:\t%s\n      Name:\t%s\n", ds.Kind, ds.Name)
	}
}

// volumeKind names a volume's source by its field name.
func volumeKind(s *corev1.VolumeSource) string {
	for _, k := range []struct {
		name string
		set  bool
	}{
		{"GitRepo", s.GitRepo != nil}, {"GCEPersistentDisk", s.GCEPersistentDisk != nil},
		{"AWSElasticBlockStore", s.AWSElasticBlockStore != nil}, {"ISCSI", s.ISCSI != nil},
		{"Glusterfs", s.Glusterfs != nil}, {"Ephemeral", s.Ephemeral != nil}, {"RBD", s.RBD != nil},
		{"Quobyte", s.Quobyte != nil}, {"AzureDisk", s.AzureDisk != nil}, {"VsphereVolume", s.VsphereVolume != nil},
		{"Cinder", s.Cinder != nil}, {"PhotonPersistentDisk", s.PhotonPersistentDisk != nil},
		{"PortworxVolume", s.PortworxVolume != nil}, {"ScaleIO", s.ScaleIO != nil}, {"CephFS", s.CephFS != nil},
		{"StorageOS", s.StorageOS != nil}, {"FC", s.FC != nil}, {"AzureFile", s.AzureFile != nil},
		{"FlexVolume", s.FlexVolume != nil}, {"Flocker", s.Flocker != nil}, {"CSI", s.CSI != nil},
	} {
		if k.set {
			return k.name
		}
	}
	return "<unknown>"
}

func writeSpreadConstraints(b *strings.Builder, cs []corev1.TopologySpreadConstraint) {
	if len(cs) == 0 {
		return
	}
	cs = slices.Clone(cs)
	slices.SortFunc(cs, func(x, y corev1.TopologySpreadConstraint) int { return strings.Compare(x.TopologyKey, y.TopologyKey) })
	b.WriteString("  Topology Spread Constraints:\t")
	for i, c := range cs {
		if i > 0 {
			b.WriteString("  \t")
		}
		fmt.Fprintf(b, "%s:%s when max skew %d is exceeded", c.TopologyKey, c.WhenUnsatisfiable, c.MaxSkew)
		if c.LabelSelector != nil {
			fmt.Fprintf(b, " for selector %s", metav1.FormatLabelSelector(c.LabelSelector))
		}
		b.WriteString("\n")
	}
}

func writeTolerations(b *strings.Builder, ts []corev1.Toleration) {
	b.WriteString("  Tolerations:\t")
	if len(ts) == 0 {
		b.WriteString("<none>\n")
		return
	}
	ts = slices.Clone(ts)
	slices.SortFunc(ts, func(x, y corev1.Toleration) int { return strings.Compare(x.Key, y.Key) })
	for i, t := range ts {
		if i > 0 {
			b.WriteString("\t")
		}
		b.WriteString(t.Key)
		if t.Value != "" {
			b.WriteString("=" + t.Value)
		}
		if t.Effect != "" {
			b.WriteString(":" + string(t.Effect))
		}
		if t.Operator == corev1.TolerationOpExists && t.Value == "" {
			if t.Key != "" || t.Effect != "" {
				b.WriteString(" op=Exists")
			} else {
				b.WriteString("op=Exists")
			}
		}
		if t.TolerationSeconds != nil {
			fmt.Fprintf(b, " for %ds", *t.TolerationSeconds)
		}
		b.WriteString("\n")
	}
}
