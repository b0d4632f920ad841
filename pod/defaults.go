package pod

import (
	"reflect"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// Default fills the fields of t the API server defaults in an apps/v1
// Deployment's pod template. Fields it leaves unset because their default
// is implied (an unset Extra, say) read as defaulted everywhere: in API,
// comparisons and the hash. Defaulting twice changes nothing.
func (t *Template) Default() {
	s := &t.Spec
	if s.RestartPolicy == "" {
		s.RestartPolicy = string(corev1.RestartPolicyAlways)
	}
	for i := range s.Containers {
		c := &s.Containers[i]
		if c.ImagePullPolicy == "" {
			c.ImagePullPolicy = pullPolicy(c.Image)
		}
		for j := range c.Ports {
			if c.Ports[j].Protocol == "" {
				c.Ports[j].Protocol = string(corev1.ProtocolTCP)
			}
		}
		for j := range c.Env {
			defaultEnvSource(c.Env[j].ValueFrom)
		}
		if c.Extra != nil {
			defaultContainerRest(c.Extra)
		}
	}
	if s.Extra != nil {
		DefaultAPISpec(s.Extra)
	}
}

// DefaultAPISpec fills the fields of s the API server defaults in an
// apps/v1 Deployment's pod template, following the generated defaulters
// of Kubernetes v1.37 field by field.
func DefaultAPISpec(s *corev1.PodSpec) {
	// serviceAccount is the deprecated spelling of serviceAccountName: the
	// two are kept equal, the new one winning.
	if s.ServiceAccountName == "" {
		s.ServiceAccountName = s.DeprecatedServiceAccount
	}
	s.DeprecatedServiceAccount = s.ServiceAccountName
	if s.DNSPolicy == "" {
		s.DNSPolicy = corev1.DNSClusterFirst
	}
	if s.RestartPolicy == "" {
		s.RestartPolicy = corev1.RestartPolicyAlways
	}
	if s.SecurityContext == nil {
		s.SecurityContext = &corev1.PodSecurityContext{}
	}
	if s.TerminationGracePeriodSeconds == nil {
		grace := int64(corev1.DefaultTerminationGracePeriodSeconds)
		s.TerminationGracePeriodSeconds = &grace
	}
	if s.SchedulerName == "" {
		s.SchedulerName = corev1.DefaultSchedulerName
	}
	for i := range s.Volumes {
		defaultVolume(&s.Volumes[i])
	}
	for i := range s.InitContainers {
		defaultContainer(&s.InitContainers[i])
	}
	for i := range s.Containers {
		defaultContainer(&s.Containers[i])
	}
	for i := range s.EphemeralContainers {
		defaultContainer((*corev1.Container)(&s.EphemeralContainers[i].EphemeralContainerCommon))
	}
	roundUpToMilli(s.Overhead)
	if s.Resources != nil {
		roundUpToMilli(s.Resources.Limits)
		roundUpToMilli(s.Resources.Requests)
	}
}

// defaultContainer defaults a whole container of the API's type.
func defaultContainer(c *corev1.Container) {
	if c.ImagePullPolicy == "" {
		c.ImagePullPolicy = corev1.PullPolicy(pullPolicy(c.Image))
	}
	for i := range c.Ports {
		if c.Ports[i].Protocol == "" {
			c.Ports[i].Protocol = corev1.ProtocolTCP
		}
	}
	for i := range c.Env {
		defaultEnvSource(c.Env[i].ValueFrom)
	}
	defaultContainerRest(c)
}

// defaultContainerRest defaults the fields a Container keeps in Extra.
func defaultContainerRest(c *corev1.Container) {
	if c.TerminationMessagePath == "" {
		c.TerminationMessagePath = corev1.TerminationMessagePathDefault
	}
	if c.TerminationMessagePolicy == "" {
		c.TerminationMessagePolicy = corev1.TerminationMessageReadFile
	}
	roundUpToMilli(c.Resources.Limits)
	roundUpToMilli(c.Resources.Requests)
	for _, p := range []*corev1.Probe{c.LivenessProbe, c.ReadinessProbe, c.StartupProbe} {
		defaultProbe(p)
	}
	if l := c.Lifecycle; l != nil {
		for _, h := range []*corev1.LifecycleHandler{l.PostStart, l.PreStop} {
			if h != nil {
				defaultHTTPGet(h.HTTPGet)
			}
		}
	}
}

func defaultProbe(p *corev1.Probe) {
	if p == nil {
		return
	}
	if p.TimeoutSeconds == 0 {
		p.TimeoutSeconds = 1
	}
	if p.PeriodSeconds == 0 {
		p.PeriodSeconds = 10
	}
	if p.SuccessThreshold == 0 {
		p.SuccessThreshold = 1
	}
	if p.FailureThreshold == 0 {
		p.FailureThreshold = 3
	}
	defaultHTTPGet(p.HTTPGet)
	if g := p.GRPC; g != nil && g.Service == nil {
		g.Service = new(string)
	}
}

func defaultHTTPGet(h *corev1.HTTPGetAction) {
	if h == nil {
		return
	}
	if h.Path == "" {
		h.Path = "/"
	}
	if h.Scheme == "" {
		h.Scheme = corev1.URISchemeHTTP
	}
}

func defaultEnvSource(s *corev1.EnvVarSource) {
	if s == nil {
		return
	}
	defaultFieldRef(s.FieldRef)
	if f := s.FileKeyRef; f != nil && f.Optional == nil {
		f.Optional = new(bool)
	}
}

func defaultFieldRef(f *corev1.ObjectFieldSelector) {
	if f != nil && f.APIVersion == "" {
		f.APIVersion = "v1"
	}
}

// roundUpToMilli rounds each quantity up to a thousandth, as the API
// server does rather than refuse finer ones.
func roundUpToMilli(l corev1.ResourceList) {
	for k, q := range l {
		q.RoundUp(resource.Milli)
		l[k] = q
	}
}

func defaultMode(m **int32, mode int32) {
	if *m == nil {
		*m = &mode
	}
}

func defaultVolume(v *corev1.Volume) {
	s := &v.VolumeSource
	if noSource(s) {
		s.EmptyDir = &corev1.EmptyDirVolumeSource{}
	}
	if img := v.Image; img != nil && img.PullPolicy == "" {
		// The ImageVolume feature, on by default, defaults it as a
		// container's policy is.
		img.PullPolicy = corev1.PullPolicy(pullPolicy(img.Reference))
	}
	if h := s.HostPath; h != nil && h.Type == nil {
		h.Type = new(corev1.HostPathType)
	}
	if x := s.Secret; x != nil {
		defaultMode(&x.DefaultMode, corev1.SecretVolumeSourceDefaultMode)
	}
	if x := s.ConfigMap; x != nil {
		defaultMode(&x.DefaultMode, corev1.ConfigMapVolumeSourceDefaultMode)
	}
	if x := s.DownwardAPI; x != nil {
		defaultMode(&x.DefaultMode, corev1.DownwardAPIVolumeSourceDefaultMode)
		for i := range x.Items {
			defaultFieldRef(x.Items[i].FieldRef)
		}
	}
	if x := s.Projected; x != nil {
		defaultMode(&x.DefaultMode, corev1.ProjectedVolumeSourceDefaultMode)
		for i := range x.Sources {
			src := &x.Sources[i]
			if src.DownwardAPI != nil {
				for j := range src.DownwardAPI.Items {
					defaultFieldRef(src.DownwardAPI.Items[j].FieldRef)
				}
			}
			if t := src.ServiceAccountToken; t != nil && t.ExpirationSeconds == nil {
				hour := int64(3600)
				t.ExpirationSeconds = &hour
			}
		}
	}
	if x := s.ISCSI; x != nil && x.ISCSIInterface == "" {
		x.ISCSIInterface = "default"
	}
	if x := s.RBD; x != nil {
		x.RBDPool = cmpOr(x.RBDPool, "rbd")
		x.RadosUser = cmpOr(x.RadosUser, "admin")
		x.Keyring = cmpOr(x.Keyring, "/etc/ceph/keyring")
	}
	if x := s.AzureDisk; x != nil {
		if x.CachingMode == nil {
			m := corev1.AzureDataDiskCachingReadWrite
			x.CachingMode = &m
		}
		if x.FSType == nil {
			fs := "ext4"
			x.FSType = &fs
		}
		if x.ReadOnly == nil {
			x.ReadOnly = new(bool)
		}
		if x.Kind == nil {
			k := corev1.AzureSharedBlobDisk
			x.Kind = &k
		}
	}
	if x := s.ScaleIO; x != nil {
		x.StorageMode = cmpOr(x.StorageMode, "ThinProvisioned")
		x.FSType = cmpOr(x.FSType, "xfs")
	}
	if x := s.Ephemeral; x != nil && x.VolumeClaimTemplate != nil {
		spec := &x.VolumeClaimTemplate.Spec
		if spec.VolumeMode == nil {
			m := corev1.PersistentVolumeFilesystem
			spec.VolumeMode = &m
		}
		roundUpToMilli(spec.Resources.Limits)
		roundUpToMilli(spec.Resources.Requests)
	}
}

// noSource reports whether a volume names no source, every field of its
// VolumeSource, all pointers, being nil.
func noSource(s *corev1.VolumeSource) bool {
	v := reflect.ValueOf(s).Elem()
	for i := range v.NumField() {
		if f := v.Field(i); f.Kind() == reflect.Pointer && !f.IsNil() {
			return false
		}
	}
	return true
}
