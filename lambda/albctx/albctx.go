// Package albctx carries what a load balancer event says about a request
// beyond HTTP itself, from the Lambda adapter (lambda/albhttp) to the
// identity middleware (lambda/identity), through the request's context:
// which target group received the request, and which header mode the target
// group uses. The middleware has no Lambda dependency; this package is the
// whole of what the two share.
//
// A request that did not come through the adapter (a plain net/http server)
// has no Event in its context.
package albctx

import "context"

// Event is the part of a load balancer event that is not in *http.Request.
type Event struct {
	// TargetGroupARN is requestContext.elb.targetGroupArn: the target group
	// whose listener rule forwarded the request, as the load balancer sent it.
	TargetGroupARN string
	// MultiValueHeaders reports whether the target group sends (and accepts)
	// multi-value headers. Without them a response carries one value per
	// header name, so only one Set-Cookie.
	MultiValueHeaders bool
}

type key struct{}

// NewContext returns ctx carrying ev.
func NewContext(ctx context.Context, ev Event) context.Context {
	return context.WithValue(ctx, key{}, ev)
}

// FromContext returns the Event in ctx, and whether there is one.
func FromContext(ctx context.Context) (Event, bool) {
	ev, ok := ctx.Value(key{}).(Event)
	return ev, ok
}
