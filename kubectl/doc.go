// Package kubectl prints what kubectl v0.37 prints for the rollout commands
// the simulator serves: result lines, `rollout status` progress lines,
// `rollout history` tables and revision views, `get` tables and
// `describe deployment`, all worded and laid out as kubectl does, with
// times taken from the cluster's fake clock.
package kubectl
