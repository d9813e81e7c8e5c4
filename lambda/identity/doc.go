// Package identity is the function's request pipeline as net/http
// middleware: request → verifier → authorization → handler. It verifies
// the headers an Application Load Balancer's authenticate-cognito action
// sets (the signed user claims in x-amzn-oidc-data, with lambda/albjwt;
// Cognito's access token in x-amzn-oidc-accesstoken, with
// lambda/accesstoken), finds the request's route in the route table the
// stack wrote the listener rules from (lambda/routes), applies the route's
// groups and scopes, answers 401, 403 and 503 itself, signs users out at
// /logout, and hands the application the verified Identity in the request
// context.
//
// It depends on nothing Lambda-specific: the same middleware runs behind
// the load balancer as a Lambda target (through lambda/albhttp), in a
// container or on an instance target, in the local preview and under
// httptest.
//
// Wiring, as lambda/whoami does it:
//
//	mw, err := identity.FromEnv(os.Getenv, identity.Options{Logger: logger})
//	if err != nil { /* every configuration problem, each naming its variable */ }
//	albhttp.Start(mw.Handler(app), nil)
//
// and in a handler:
//
//	id, ok := identity.FromContext(r.Context())
//	// id.Subject, id.Username, id.Email, id.EmailVerified, id.Groups,
//	// id.Scopes, id.Route, id.Claims, id.AccessClaims
//
// Handler documents the order of the checks and what each failure gets.
package identity
