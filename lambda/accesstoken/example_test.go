package accesstoken_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/accesstoken"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/albjwt"
)

func ExampleVerifier_Verify() {
	// A local JWKS stands in for the user pool's here.
	keys(nil)
	jwks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write(jwksJSON(rsaJWK(kidA, &keyA.PublicKey)))
	}))
	defer jwks.Close()

	v, err := accesstoken.New(accesstoken.Config{
		Issuer:    "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123",
		ClientIDs: []string{"3n4b5urk1ft4fl3mg5e62d9ado"},
		JWKSURL:   jwks.URL, // leave empty in AWS: Issuer + "/.well-known/jwks.json"
		Clock:     func() time.Time { return testNow },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	// An admin area: the user must be in the admin group.
	status := func(token string) {
		claims, err := v.Verify(context.Background(), token)
		switch {
		case errors.Is(err, albjwt.ErrKeyUnavailable):
			fmt.Println("503", albjwt.Reason(err))
		case err != nil:
			fmt.Println("401", albjwt.Reason(err))
		case !claims.InAnyGroup("admin"):
			fmt.Println("403 not in group admin")
		default:
			fmt.Println("200 hello", claims.Username, claims.Groups, claims.HasScopes("openid", "api.example.com/write"))
		}
	}

	status(mint(keyA, header(kidA), claims()))
	status(mint(keyA, header(kidA), with(func(c map[string]any) { c["cognito:groups"] = []any{"staff"} })))
	status(mint(keyA, header(kidA), with(func(c map[string]any) { c["token_use"] = "id" })))
	status(mint(keyA, header(kidA), with(func(c map[string]any) { c["exp"] = testNow.Unix() - 1 })))
	// Output:
	// 200 hello alice [admin ops] [api.example.com/write]
	// 403 not in group admin
	// 401 token_use_mismatch
	// 401 expired
}
