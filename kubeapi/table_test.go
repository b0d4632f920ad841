package kubeapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/kubeapi"
	"github.com/rollsim/rollsim/kubectl"
)

// tableAccept is what `kubectl get` asks for.
const tableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"

// getTable fetches a Table and lays out its columns of priority 0 as
// kubectl's printer does.
func getTable(t *testing.T, cs kubernetes.Interface, group, resource string) (string, *metav1.Table) {
	t.Helper()
	rc := cs.CoreV1().RESTClient()
	if group == "apps" {
		rc = cs.AppsV1().RESTClient()
	}
	var tbl metav1.Table
	err := rc.Get().Namespace("default").Resource(resource).SetHeader("Accept", tableAccept).Do(context.Background()).Into(&tbl)
	require.NoError(t, err)
	var buf bytes.Buffer
	w := tabwriter.NewWriter(&buf, 6, 4, 3, ' ', 0)
	var head []string
	for _, c := range tbl.ColumnDefinitions {
		if c.Priority == 0 {
			head = append(head, strings.ToUpper(c.Name))
		}
	}
	fmt.Fprintln(w, strings.Join(head, "\t"))
	for _, r := range tbl.Rows {
		var cells []string
		for i, c := range tbl.ColumnDefinitions {
			if c.Priority == 0 {
				cells = append(cells, fmt.Sprint(r.Cells[i]))
			}
		}
		fmt.Fprintln(w, strings.Join(cells, "\t"))
	}
	w.Flush()
	return buf.String(), &tbl
}

func TestTablesAreKubectlGet(t *testing.T) {
	h, cs := setup(t, kubeapi.Options{})
	ctx := context.Background()
	_, err := cs.AppsV1().Deployments("default").Create(ctx, newDeployment("httpd", "httpd:2.2.31", 3), metav1.CreateOptions{})
	require.NoError(t, err)
	h.Do(func(c *rollsim.Cluster) { c.Advance(90 * time.Second) })
	_, err = cs.AppsV1().Deployments("default").Create(ctx, newDeployment("web", "web:1", 2), metav1.CreateOptions{})
	require.NoError(t, err)

	var want = map[string]func(*rollsim.Cluster) (string, error){
		"deployments": func(c *rollsim.Cluster) (string, error) {
			return kubectl.GetDeployments(c.Deployments(), kubectl.Scope{}, "", c.Now())
		},
		"replicasets": func(c *rollsim.Cluster) (string, error) {
			return kubectl.GetReplicaSets(c.ReplicaSets(), kubectl.Scope{}, "", c.Now())
		},
		"pods": func(c *rollsim.Cluster) (string, error) {
			return kubectl.GetPods(c.Pods(), kubectl.Scope{}, "", c.Now(), c.HasNodes())
		},
	}
	for res, view := range want {
		group := "apps"
		if res == "pods" {
			group = ""
		}
		got, tbl := getTable(t, cs, group, res)
		var exp string
		h.Do(func(c *rollsim.Cluster) { exp, err = view(c) })
		require.NoError(t, err)
		require.Equal(t, exp, got, res)
		require.NotEmpty(t, tbl.Rows[0].Object.Raw, "rows carry the object's metadata")
	}
	_, tbl := getTable(t, cs, "", "events")
	require.Equal(t, "Last Seen", tbl.ColumnDefinitions[0].Name)
	require.NotEmpty(t, tbl.Rows)
	var reasons []any
	for _, r := range tbl.Rows {
		reasons = append(reasons, r.Cells[2])
	}
	require.Contains(t, reasons, "ScalingReplicaSet")
}

// kubectl get --watch: each event's object is a Table of one row, the
// column definitions only in the first.
func TestWatchTables(t *testing.T) {
	_, cs := setup(t, kubeapi.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := cs.AppsV1().Deployments("default").Create(ctx, newDeployment("httpd", "httpd:2.2.31", 2), metav1.CreateOptions{})
	require.NoError(t, err)
	body, err := cs.CoreV1().RESTClient().Get().Namespace("default").Resource("pods").Param("watch", "true").
		SetHeader("Accept", tableAccept).Stream(ctx)
	require.NoError(t, err)
	defer body.Close()
	dec := json.NewDecoder(body)
	for i := range 2 {
		var e struct {
			Type   string
			Object metav1.Table
		}
		require.NoError(t, dec.Decode(&e))
		require.Equal(t, "ADDED", e.Type)
		require.Equal(t, "Table", e.Object.Kind)
		require.Len(t, e.Object.Rows, 1)
		require.Equal(t, i == 0, len(e.Object.ColumnDefinitions) > 0)
	}
}
