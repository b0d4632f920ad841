package scenario

import (
	"fmt"

	"github.com/rollsim/rollsim/kubectl"
)

// nodeArg reads the one node name a node command takes.
func nodeArg(ln Line, words int) (string, error) {
	if len(ln.Words) != words+1 {
		return "", fmt.Errorf("%s takes one node name", ln.Words[0])
	}
	return ln.Words[words], nil
}

func (r *Runner) cordon(ln Line) error {
	name, err := nodeArg(ln, 1)
	if err != nil {
		return err
	}
	changed, err := r.c.Cordon(name, true)
	if err != nil {
		return kubectl.FromServer(err)
	}
	if changed {
		r.out("node/" + name + " cordoned")
	} else {
		r.out("node/" + name + " already cordoned")
	}
	return nil
}

func (r *Runner) uncordon(ln Line) error {
	name, err := nodeArg(ln, 1)
	if err != nil {
		return err
	}
	changed, err := r.c.Cordon(name, false)
	if err != nil {
		return kubectl.FromServer(err)
	}
	if changed {
		r.out("node/" + name + " uncordoned")
	} else {
		r.out("node/" + name + " already uncordoned")
	}
	return nil
}

func (r *Runner) drain(ln Line) error {
	name, err := nodeArg(ln, 1)
	if err != nil {
		return err
	}
	changed, err := r.c.Cordon(name, true)
	if err != nil {
		return kubectl.FromServer(err)
	}
	if changed {
		r.out("node/" + name + " cordoned")
	} else {
		r.out("node/" + name + " already cordoned")
	}
	evicted, err := r.c.Drain(name)
	if err != nil {
		return err
	}
	for _, p := range evicted {
		r.out("pod/" + p + " evicted")
	}
	r.out("node/" + name + " drained")
	return nil
}

func (r *Runner) deleteNode(ln Line) error {
	name, err := nodeArg(ln, 2)
	if err != nil {
		return err
	}
	if err := r.c.DeleteNode(name); err != nil {
		return kubectl.FromServer(err)
	}
	r.out(fmt.Sprintf("node %q deleted", name))
	return nil
}
