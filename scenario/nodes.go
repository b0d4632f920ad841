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

func (r *Runner) cordon(ln Line) error   { return r.cordonArg(ln, true) }
func (r *Runner) uncordon(ln Line) error { return r.cordonArg(ln, false) }

// cordonArg runs cordon or uncordon on the node the line names.
func (r *Runner) cordonArg(ln Line, on bool) error {
	name, err := nodeArg(ln, 1)
	if err != nil {
		return err
	}
	return r.setCordon(name, on)
}

// setCordon marks a node (un)schedulable and says so as kubectl does,
// which tells apart a node that was already in that state.
func (r *Runner) setCordon(name string, on bool) error {
	cordon := r.c.Cordon
	if !on {
		cordon = r.c.Uncordon
	}
	changed, err := cordon(name)
	if err != nil {
		return kubectl.FromServer(err)
	}
	state := "cordoned"
	if !on {
		state = "uncordoned"
	}
	if !changed {
		state = "already " + state
	}
	r.out("node/" + name + " " + state)
	return nil
}

func (r *Runner) drain(ln Line) error {
	name, err := nodeArg(ln, 1)
	if err != nil {
		return err
	}
	if err := r.setCordon(name, true); err != nil {
		return err
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
