package kubeapi

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/rollsim/rollsim"
	"github.com/rollsim/rollsim/meta"
)

// apiError is an error the Handler answers as a metav1.Status.
type apiError struct{ status metav1.Status }

func (e *apiError) Error() string { return e.status.Message }

func statusError(code int32, reason metav1.StatusReason, message string) *apiError {
	return &apiError{metav1.Status{Status: metav1.StatusFailure, Code: code, Reason: reason, Message: message}}
}

func fromStatusError(e *apierrors.StatusError) *apiError { return &apiError{e.ErrStatus} }

func badRequest(message string) *apiError { return fromStatusError(apierrors.NewBadRequest(message)) }

func internalError(err error) *apiError {
	return fromStatusError(apierrors.NewInternalError(err))
}

func notFoundPath() *apiError {
	return statusError(http.StatusNotFound, metav1.StatusReasonNotFound, "the server could not find the requested resource")
}

func methodNotSupported(r *resource, verb string) *apiError {
	return fromStatusError(apierrors.NewMethodNotSupported(r.groupResource(), verb))
}

// causeReasons maps the simulator's field error types to the API's.
var causeReasons = map[string]metav1.CauseType{
	meta.ErrRequired:     metav1.CauseTypeFieldValueRequired,
	meta.ErrInvalid:      metav1.CauseTypeFieldValueInvalid,
	meta.ErrForbidden:    metav1.CauseType(field.ErrorTypeForbidden),
	meta.ErrNotSupported: metav1.CauseTypeFieldValueNotSupported,
	meta.ErrDuplicate:    metav1.CauseTypeFieldValueDuplicate,
	meta.ErrNotFound:     metav1.CauseTypeFieldValueNotFound,
}

// toAPIError words a cluster's error as the API server answers it, for
// an object of r named name.
func toAPIError(err error, r *resource, name string) *apiError {
	var (
		ae  *apiError
		nf  *meta.NotFoundError
		ex  *meta.AlreadyExistsError
		cf  *meta.ConflictError
		inv *meta.InvalidError
		ro  *rollsim.RolloutError
	)
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &nf):
		return fromStatusError(apierrors.NewNotFound(r.groupResource(), nf.Name))
	case errors.As(err, &ex):
		return fromStatusError(apierrors.NewAlreadyExists(r.groupResource(), ex.Name))
	case errors.As(err, &cf):
		return preconditionFailed(r, cf.Name, cmp.Or(cf.Reason, meta.ConflictReason)).(*apiError)
	case errors.As(err, &inv):
		st := metav1.Status{
			Status:  metav1.StatusFailure,
			Code:    http.StatusUnprocessableEntity,
			Reason:  metav1.StatusReasonInvalid,
			Message: inv.Error(),
			Details: &metav1.StatusDetails{Name: inv.Name, Group: inv.Group, Kind: inv.Kind},
		}
		for _, c := range inv.Causes {
			st.Details.Causes = append(st.Details.Causes, metav1.StatusCause{
				Type: causeReasons[c.Type], Message: c.Body(), Field: c.Field,
			})
		}
		return &apiError{st}
	case errors.As(err, &ro):
		return badRequest(ro.Msg)
	}
	return internalError(err)
}

func writeStatus(w http.ResponseWriter, e *apiError) {
	st := e.status
	st.Kind, st.APIVersion = "Status", "v1"
	b, _ := json.Marshal(st)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(int(st.Code))
	w.Write(b)
	w.Write([]byte("\n"))
}

// gone is the answer to a watch from a resourceVersion the cache no
// longer holds.
func gone(message string) *apiError { return fromStatusError(apierrors.NewResourceExpired(message)) }

// tooLarge is the answer to a read at a resourceVersion the cluster has
// not reached.
func tooLarge(rv, current uint64) *apiError {
	e := statusError(http.StatusGatewayTimeout, metav1.StatusReasonTimeout,
		fmt.Sprintf("Too large resource version: %d, current: %d", rv, current))
	e.status.Details = &metav1.StatusDetails{
		Causes:            []metav1.StatusCause{{Type: metav1.CauseTypeResourceVersionTooLarge, Message: "Too large resource version"}},
		RetryAfterSeconds: 1,
	}
	return e
}

func alreadyExistsStatus(r *resource, name string) *apierrors.StatusError {
	return apierrors.NewAlreadyExists(r.groupResource(), name)
}

// conflict is the answer to a write from a stale copy.
func conflict(r *resource, name string) error {
	return preconditionFailed(r, name, meta.ConflictReason)
}

func preconditionFailed(r *resource, name, why string) error {
	return fromStatusError(apierrors.NewConflict(r.groupResource(), name, errors.New(why)))
}

// unprocessable is the answer to a JSON patch that cannot apply.
func unprocessable(err error) *apierrors.StatusError {
	return apierrors.NewGenericServerResponse(http.StatusUnprocessableEntity, "patch", schema.GroupResource{}, "", err.Error(), 0, false)
}
