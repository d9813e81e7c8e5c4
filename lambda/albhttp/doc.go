// Package albhttp runs a plain net/http handler as the Lambda target of an
// Application Load Balancer target group:
//
//	albhttp.Start(mux, nil) // in main, instead of lambda.Start
//
// Any http.Handler works: a *http.ServeMux, chi, echo (an *echo.Echo is an
// http.Handler) or gin (*gin.Engine). The handler sees an ordinary
// *http.Request and writes to an ordinary http.ResponseWriter; this package
// turns the load balancer's JSON event into the one and the other into the
// JSON response the load balancer expects, following "Lambda functions as
// targets" in the Elastic Load Balancing user guide
// (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html):
//
//   - Header modes. With multi-value headers enabled on the target group the
//     event carries multiValueHeaders and multiValueQueryStringParameters and
//     the response must use multiValueHeaders; without, the event carries
//     headers and queryStringParameters and the response must use headers.
//     The response always uses the request's mode. In single-value mode a response header with several
//     values is joined with ", ", except Set-Cookie, which cannot be joined:
//     only the first cookie is sent and the others are logged as dropped.
//     Enable multi-value headers to set several cookies (the stack does).
//   - Paths. r.RequestURI is the request target as the client sent it: the
//     event's path byte for byte, then "?" and the query when there is one.
//     Its path part (up to the first "?") is the authoritative raw path;
//     read the raw path there, not from r.URL.RawPath or
//     r.URL.EscapedPath(), which re-escape a path holding bytes such as '|',
//     '"', '{', '}' or '^' and then show "%2F" as "/". r.URL.Path is the
//     path decoded once. A path with a malformed percent-escape ("%zz",
//     "%4", a trailing "%") is answered 400 Bad Request without calling the
//     handler, as net/http's server answers it, so no reader decodes such a
//     path one way and another reader another.
//   - Query strings. The load balancer does not URL-decode query parameters
//     ("If the query parameters are URL-encoded, the load balancer does not
//     decode them"). The raw keys and values are joined back into
//     URL.RawQuery unchanged, so r.URL.Query() decodes them exactly once, as
//     net/http's server does: "a%20b" and "a+b" both arrive as "a b", and
//     "%2B" as "+". The event keeps no order between different keys; they are
//     sorted, and repeated values of one key keep their order.
//   - Bodies. A request body the load balancer sent base64 (any content type
//     but text/*, application/json, application/javascript and
//     application/xml) is decoded. A response body goes as text only when its
//     Content-Type is textual (text/*, application/json, application/xml,
//     application/javascript or a +json/+xml type), it has no
//     Content-Encoding and it is valid UTF-8; anything else (images, PDFs,
//     gzip) is base64 with isBase64Encoded set, which the load balancer
//     decodes before sending it to the client.
//   - Status. statusDescription is "200 OK" style: code, space, reason.
//     A handler that writes nothing answers 200 with an empty body, as
//     net/http does; 1xx informational codes are ignored.
//   - HEAD. The handler runs as for GET; the body it writes is discarded.
//   - The 1 MB limit. The load balancer accepts at most 1 MB of response
//     JSON (counted here as 1,000,000 bytes, see MaxResponseBytes) and
//     answers 502 to anything larger, which tells the user nothing.
//     The handler's writes fail with ErrResponseTooLarge once the body alone
//     exceeds the limit, and a response whose JSON exceeds it is replaced by
//     a 500 whose body says the response was too large, with a log line
//     naming the path and the size.
//   - Response headers. A header name that is not an HTTP token (empty,
//     or holding a space, a colon, a control or non-ASCII byte) or a value
//     holding a control character other than tab (CR, LF, NUL, ...) is
//     never passed on, since it could split the response or add headers of
//     the writer's choosing: the whole response is replaced by a 500, with a
//     log line naming the header (its name bounded and escaped; the value is
//     never logged). Values may hold non-ASCII text (RFC 9110's obs-text).
//   - Failures. A panicking handler answers 500 (the panic and its stack are
//     logged, never sent); an event that cannot become a request (an invalid
//     method, path or escape, a body that is not base64) answers 400, with
//     one log line naming the path (its first 256 bytes) and the error, one
//     of NewRequest's named errors, which never echo the event. The Lambda
//     invocation itself fails only for a payload that is not an ALB event at
//     all.
//
// The request's context is the invocation's context (lambdacontext.FromContext
// works) carrying the event's target group ARN and header mode
// (albctx.FromContext, which the identity middleware reads), r.Host is the host header, r.RemoteAddr is the client address the
// load balancer appended to X-Forwarded-For (with port 0), and
// X-Forwarded-Proto and X-Forwarded-Port stay in the headers.
//
// # Why not an existing adapter
//
// Both well-kept adapters were run on the events in testdata (in a scratch
// module, so their dependencies stay out of this one's go.sum), and neither
// gets these cases right:
//
//   - github.com/akrylysov/algnhsa v1.1.0 refuses single-value events (an
//     invocation error, so the load balancer answers 502), decodes query
//     values but not keys ("enco%2Fded" stays encoded) and fails the
//     invocation on a malformed escape such as "%zz", sends no
//     statusDescription, omits the headers field when there are none, base64-encodes a body only when its whole
//     Content-Type string equals one in a list you configure (a type with
//     parameters misses, and any type left off the list goes as text, which
//     corrupts binary bodies), keeps HEAD bodies and has no size check.
//   - github.com/awslabs/aws-lambda-go-api-proxy v0.16.2 (httpadapter.NewALB)
//     escapes the already-encoded query values again ("a%20b" reaches the
//     handler as "a%20b"), always answers with multiValueHeaders (wrong for
//     single-value target groups), sends "OK" where "200 OK" is expected,
//     fails the invocation when a handler writes nothing, keeps HEAD bodies,
//     has no size check, and its module pulls in gin, echo, fiber and iris.
//
// Wrapping either would have meant rewriting its request and response
// conversion, which is all an adapter is; this package is that conversion,
// on the aws-lambda-go event types.
package albhttp
