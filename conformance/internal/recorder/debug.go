package recorder

import (
	"encoding/json"
	"fmt"
	"os"

	"k8s.io/apimachinery/pkg/runtime"
)

// debugWrites, set by RECORDER_DEBUG=1, logs every committed write to stderr.
var debugWrites = os.Getenv("RECORDER_DEBUG") != ""

func debugWrite(res string, old, obj runtime.Object) {
	o, _ := json.Marshal(old)
	n, _ := json.Marshal(obj)
	fmt.Fprintf(os.Stderr, "WRITE %s\n  old=%s\n  new=%s\n", res, o, n)
}
