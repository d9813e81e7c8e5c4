module example.com/albauth-container

go 1.26.8

require github.com/alb-cognito/alb-cognito-cdk v0.0.0

require (
	github.com/MicahParks/jwkset v0.11.4 // indirect
	github.com/golang-jwt/jwt/v5 v5.3.1 // indirect
	golang.org/x/sync v0.24.0 // indirect
	golang.org/x/time v0.9.0 // indirect
)

// The middleware comes from this repository's checkout, two folders up. In
// your own app, require a tagged version instead.
replace github.com/alb-cognito/alb-cognito-cdk => ../..
