package rollouttest

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"pgregory.net/rapid"

	"github.com/rollsim/rollsim/deployment"
	"github.com/rollsim/rollsim/meta"
	"github.com/rollsim/rollsim/pod"
)

// Limits bounds what the generators draw. A zero field takes its default,
// so the zero Limits is valid; small numbers find bugs faster and keep a
// test quick.
type Limits struct {
	// MaxReplicas bounds spec.replicas (default 6).
	MaxReplicas int32
	// MaxInt bounds whole-number maxSurge and maxUnavailable (default 3).
	MaxInt int32
	// MaxMinReadySeconds bounds minReadySeconds (default 2).
	MaxMinReadySeconds int32
	// MaxHistoryLimit bounds a drawn revisionHistoryLimit (default 3).
	MaxHistoryLimit int32
	// MaxAdvance bounds how far one Advance moves the clock (default 8s).
	MaxAdvance time.Duration
	// Images are the images releases use (default app:1, app:2, app:3).
	Images []string
	// BrokenImages are the images of never-ready releases (default
	// app:broken-1, app:broken-2). Keep them apart from Images: an image
	// marked never-ready stays so.
	BrokenImages []string
	// KeptFields makes Deployment draw, besides the image, fields the
	// simulator keeps without simulating them: a readiness probe's
	// period, terminationGracePeriodSeconds (30, its default, written out
	// or not), an environment variable taken from a field. Templates that
	// differ only in them are distinct revisions; ones that differ only in
	// writing a default out are not.
	KeptFields bool
}

func (l Limits) withDefaults() Limits {
	if l.MaxReplicas <= 0 {
		l.MaxReplicas = 6
	}
	if l.MaxInt <= 0 {
		l.MaxInt = 3
	}
	if l.MaxMinReadySeconds <= 0 {
		l.MaxMinReadySeconds = 2
	}
	if l.MaxHistoryLimit <= 0 {
		l.MaxHistoryLimit = 3
	}
	if l.MaxAdvance <= 0 {
		l.MaxAdvance = 8 * time.Second
	}
	if len(l.Images) == 0 {
		l.Images = []string{"app:1", "app:2", "app:3"}
	}
	if len(l.BrokenImages) == 0 {
		l.BrokenImages = []string{"app:broken-1", "app:broken-2"}
	}
	return l
}

// Percent draws a valid percent value, "0%" to "100%", often one of the
// usual ones (0, 10, 25, 33, 50, 75, 100).
func Percent() *rapid.Generator[*deployment.IntOrPercent] {
	return rapid.Custom(func(t *rapid.T) *deployment.IntOrPercent {
		p := rapid.OneOf(rapid.SampledFrom([]int{0, 10, 25, 33, 50, 75, 100}), rapid.IntRange(0, 100)).Draw(t, "percent")
		return deployment.Percent(fmt.Sprintf("%d%%", p))
	})
}

// IntOrPercent draws a valid maxSurge or maxUnavailable: a whole number
// from 0 to maxInt, or a Percent.
func IntOrPercent(maxInt int32) *rapid.Generator[*deployment.IntOrPercent] {
	whole := rapid.Custom(func(t *rapid.T) *deployment.IntOrPercent {
		return deployment.Int(rapid.Int32Range(0, max(maxInt, 0)).Draw(t, "int"))
	})
	return rapid.OneOf(whole, Percent())
}

// RollingUpdate draws a valid RollingUpdate strategy with both maxSurge
// and maxUnavailable set (IntOrPercent each, never both zero).
func RollingUpdate(maxInt int32) *rapid.Generator[deployment.Strategy] {
	return rapid.Custom(func(t *rapid.T) deployment.Strategy {
		surge := IntOrPercent(maxInt).Draw(t, "maxSurge")
		unavailable := IntOrPercent(maxInt).Filter(func(u *deployment.IntOrPercent) bool {
			return !isZero(surge) || !isZero(u)
		}).Draw(t, "maxUnavailable")
		return deployment.Strategy{Type: deployment.RollingUpdate, RollingUpdate: &deployment.RollingUpdateParams{MaxSurge: surge, MaxUnavailable: unavailable}}
	})
}

func isZero(v *deployment.IntOrPercent) bool {
	return v.IsPercent && v.Str == "0%" || !v.IsPercent && v.Int == 0
}

// Strategy draws a valid strategy: mostly a RollingUpdate, sometimes the
// default one (left for the API server to fill in: 25%/25%), sometimes
// Recreate.
func Strategy(maxInt int32) *rapid.Generator[deployment.Strategy] {
	rolling := RollingUpdate(maxInt)
	return rapid.OneOf(rolling, rolling, rolling,
		rapid.Just(deployment.Strategy{}),
		rapid.Just(deployment.Strategy{Type: deployment.Recreate}))
}

// Deployment draws a valid Deployment named name, selecting app=name, with
// one container running one of l.Images: replicas, strategy,
// minReadySeconds, revisionHistoryLimit and progressDeadlineSeconds drawn
// within l (or left unset for the defaults). It is never paused.
func Deployment(name string, l Limits) *rapid.Generator[*deployment.Deployment] {
	l = l.withDefaults()
	return rapid.Custom(func(t *rapid.T) *deployment.Deployment {
		labels := map[string]string{"app": name}
		d := &deployment.Deployment{
			ObjectMeta: meta.ObjectMeta{Name: name},
			Spec: deployment.Spec{
				Replicas: deployment.Ptr(rapid.Int32Range(0, l.MaxReplicas).Draw(t, "replicas")),
				Selector: &meta.Selector{MatchLabels: labels},
				Template: pod.Template{
					Labels: map[string]string{"app": name},
					Spec:   pod.Spec{Containers: []pod.Container{{Name: name, Image: rapid.SampledFrom(l.Images).Draw(t, "image")}}},
				},
				Strategy:        Strategy(l.MaxInt).Draw(t, "strategy"),
				MinReadySeconds: rapid.Int32Range(0, l.MaxMinReadySeconds).Draw(t, "minReadySeconds"),
			},
		}
		if l.KeptFields {
			keptFields(t, &d.Spec.Template)
		}
		if rapid.Bool().Draw(t, "setHistoryLimit") {
			d.Spec.RevisionHistoryLimit = deployment.Ptr(rapid.Int32Range(0, l.MaxHistoryLimit).Draw(t, "revisionHistoryLimit"))
		}
		switch rapid.IntRange(0, 3).Draw(t, "deadline") {
		case 1:
			d.Spec.ProgressDeadlineSeconds = deployment.Ptr[int32](deployment.NoLimit)
		case 2, 3:
			d.Spec.ProgressDeadlineSeconds = deployment.Ptr(d.Spec.MinReadySeconds + rapid.Int32Range(1, 20).Draw(t, "progressDeadlineSeconds"))
		}
		return d
	})
}

// keptFields draws the fields Limits.KeptFields asks for into tpl.
func keptFields(t *rapid.T, tpl *pod.Template) {
	c := &tpl.Spec.Containers[0]
	if period := rapid.SampledFrom([]int32{0, 5, 10}).Draw(t, "readinessPeriod"); period > 0 {
		c.Extra = &corev1.Container{ReadinessProbe: &corev1.Probe{
			ProbeHandler:  corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromInt32(80)}},
			PeriodSeconds: period,
		}}
	}
	if grace := rapid.SampledFrom([]int64{0, 30, 60}).Draw(t, "terminationGracePeriodSeconds"); grace > 0 {
		tpl.Spec.Extra = &corev1.PodSpec{TerminationGracePeriodSeconds: &grace}
	}
	if rapid.Bool().Draw(t, "envFromField") {
		c.Env = append(c.Env, pod.EnvVar{Name: "NODE", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "spec.nodeName"}}})
	}
}

// OpOf draws an Op of kind k within l. An Apply draws a whole Deployment
// (its name does not matter: Op.Apply puts the target's in).
func OpOf(k Kind, l Limits) *rapid.Generator[Op] {
	l = l.withDefaults()
	switch k {
	case Pause, Resume, Restart:
		return rapid.Just(Op{Kind: k})
	}
	return rapid.Custom(func(t *rapid.T) Op {
		o := Op{Kind: k}
		switch k {
		case Apply:
			o.Deployment = Deployment("app", l).Draw(t, "deployment")
		case SetImage:
			o.Image = rapid.SampledFrom(l.Images).Draw(t, "image")
		case NeverReady:
			o.Image = rapid.SampledFrom(l.BrokenImages).Draw(t, "image")
		case Scale:
			o.Replicas = rapid.Int32Range(0, l.MaxReplicas).Draw(t, "replicas")
		case Undo:
			o.Revision = rapid.OneOf(rapid.Just[int64](0), rapid.Int64Range(-1, 6)).Draw(t, "revision")
		case Advance:
			o.Duration = advance(l.MaxAdvance).Draw(t, "duration")
		case DeletePod:
			o.Pod = rapid.IntRange(0, 99).Draw(t, "pod")
		}
		return o
	})
}

// advance draws how far to move the clock: often a whole number of
// seconds, sometimes a fraction, up to maxAdvance.
func advance(maxAdvance time.Duration) *rapid.Generator[time.Duration] {
	secs := int64(max(maxAdvance/time.Second, 1))
	tenths := int64(max(maxAdvance/(100*time.Millisecond), 1))
	return rapid.OneOf(
		rapid.Map(rapid.Int64Range(1, secs), func(n int64) time.Duration { return time.Duration(n) * time.Second }),
		rapid.Map(rapid.Int64Range(1, tenths), func(n int64) time.Duration { return time.Duration(n) * 100 * time.Millisecond }),
	)
}

// AnyOp draws an Op of any kind within l, time advancing most often.
func AnyOp(l Limits) *rapid.Generator[Op] {
	kinds := append(Kinds(), Advance, Advance, Advance)
	return rapid.Custom(func(t *rapid.T) Op {
		return OpOf(rapid.SampledFrom(kinds).Draw(t, "kind"), l).Draw(t, "op")
	})
}

// Ops draws a sequence of up to maxLen ops within l.
func Ops(l Limits, maxLen int) *rapid.Generator[[]Op] {
	return rapid.SliceOfN(AnyOp(l), 0, maxLen)
}
