package identity

import (
	"net/http"
	"slices"
	"testing"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/accesstoken"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/albjwt"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/bearer"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/canonpath"
)

// TestOutcomeOf maps every reason the middleware logs to one of the fixed
// outcomes: the metrics' Outcome dimension never carries a raw reason.
func TestOutcomeOf(t *testing.T) {
	t.Parallel()
	cases := []struct {
		status int
		reason string
		want   string
	}{
		{200, "ok", OutcomeOK},
		{503, "ok", OutcomeOK}, // the application's own 503
		{500, "ok", OutcomeOK},
		{200, "anonymous", OutcomeAnonymous},
		{302, "logout", OutcomeLogout},
		{302, "access_expired_reauth", OutcomeReauth},
		{403, "target_group_missing", OutcomeTargetGroupRefused},
		{403, "target_group_foreign", OutcomeTargetGroupRefused},
		{403, "target_group_unknown", OutcomeTargetGroupRefused},
		{400, "route_mismatch", OutcomeRouteMismatch},
		{400, "path_not_canonical", OutcomePathRefused},
		{403, "group_missing", OutcomeGroupMissing},
		{403, "group_claim_invalid", OutcomeGroupMissing},
		{403, "scope_missing", OutcomeScopeMissing},
		{403, "client_not_allowed", OutcomeClientNotAllowed},
		{403, "cross_origin", OutcomeCrossOrigin},
		{401, albjwt.ReasonMissing, OutcomeTokenMissing},
		{401, "access_token_missing", OutcomeTokenMissing},
		{403, "access_token_missing", OutcomeTokenMissing},
		{401, bearer.ReasonMissing, OutcomeTokenMissing},
		{401, bearer.ReasonWrongScheme, OutcomeTokenMissing},
		{401, bearer.ReasonDuplicate, OutcomeTokenInvalid},
		{401, bearer.ReasonMalformed, OutcomeTokenInvalid},
		{401, "token_duplicate", OutcomeTokenInvalid},
		{401, "access_token_duplicate", OutcomeTokenInvalid},
		{401, "sub_mismatch", OutcomeTokenInvalid},
		{401, "access_" + accesstoken.ReasonAudienceMismatch, OutcomeTokenInvalid},
		{401, "bearer_" + accesstoken.ReasonTokenUseMismatch, OutcomeTokenInvalid},
		{401, "access_" + accesstoken.ReasonUnknownKID, OutcomeTokenInvalid},
		{418, "something_new", OutcomeOther},
	}
	for _, r := range []string{canonpath.ReasonNotAbsolute, canonpath.ReasonDotSegment, canonpath.ReasonEncodedSlash, canonpath.ReasonBackslash,
		canonpath.ReasonEmptySegment, canonpath.ReasonBadEscape, canonpath.ReasonControl} {
		cases = append(cases, struct {
			status int
			reason string
			want   string
		}{400, r, OutcomePathRefused})
	}
	for _, r := range []string{albjwt.ReasonTooLarge, albjwt.ReasonMalformed, albjwt.ReasonBadAlg, albjwt.ReasonBadKID, albjwt.ReasonSignerMismatch,
		albjwt.ReasonClientMismatch, albjwt.ReasonIssuerMismatch, albjwt.ReasonExpMissing, albjwt.ReasonExpInvalid, albjwt.ReasonExpired,
		albjwt.ReasonNotYetValid, albjwt.ReasonBadClaims, albjwt.ReasonNoSubject, albjwt.ReasonBadSignature, albjwt.ReasonCritHeader} {
		for _, prefix := range []string{"", "access_", "bearer_"} {
			cases = append(cases, struct {
				status int
				reason string
				want   string
			}{401, prefix + r, OutcomeTokenInvalid})
		}
	}
	for _, r := range []string{albjwt.ReasonKeyFetch, albjwt.ReasonKeyStatus, albjwt.ReasonKeyTooLarge, albjwt.ReasonKeyUnusable,
		albjwt.ReasonKeyCanceled, albjwt.ReasonKeyThrottled} {
		for _, prefix := range []string{"", "access_", "bearer_"} {
			cases = append(cases, struct {
				status int
				reason string
				want   string
			}{http.StatusServiceUnavailable, prefix + r, OutcomeKeyFetchFailed})
		}
	}
	for _, tc := range cases {
		got := outcomeOf(tc.status, tc.reason)
		if got != tc.want {
			t.Errorf("outcomeOf(%d, %q) = %s, want %s", tc.status, tc.reason, got, tc.want)
		}
		if !slices.Contains(Outcomes(), got) {
			t.Errorf("outcomeOf(%d, %q) = %s, which Outcomes does not list", tc.status, tc.reason, got)
		}
	}
	for _, o := range Outcomes() {
		want := !slices.Contains([]string{OutcomeOK, OutcomeAnonymous, OutcomeLogout, OutcomeReauth}, o)
		if Refused(o) != want {
			t.Errorf("Refused(%s) = %v", o, !want)
		}
	}
}
