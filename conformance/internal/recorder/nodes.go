package recorder

import (
	"fmt"
)

// nodeState prints the node lines of a state block (none without nodes).
func (r *Runner) nodeState() {}

func (r *Runner) deleteNode(name string) error {
	r.fail(fmt.Errorf("nodes are not supported by the recorder yet"))
	return nil
}

func (r *Runner) cmdNodeOp(argv []string) (command, error) {
	return func() error {
		r.fail(fmt.Errorf("nodes are not supported by the recorder yet"))
		return nil
	}, nil
}
