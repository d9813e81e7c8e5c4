// Package directhandler is the function's handler as it was before issue 12
// (lambda/webapp on main at 619ba8a: Handler.Handle speaking the ALB event
// format directly, verifying x-amzn-oidc-data and rendering the identity
// page), kept unchanged apart from its package name as the baseline of the
// adapter benchmark: BenchmarkDirectIdentityPage against
// BenchmarkAdapterIdentityPage, the identity page behind the identity
// middleware and the ALB adapter (lambda/albhttp). It is not deployed.
package directhandler
