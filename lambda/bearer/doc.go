// Package bearer guards the site's machine routes: requests from scripts, jobs
// and services that carry a client-credentials access token in
// Authorization: Bearer. The load balancer's jwt-validation rule has checked
// the token already; the function checks it again with the access-token
// verifier and trusts nothing else on those paths (no session cookie, no
// x-amzn-oidc-* header).
package bearer
