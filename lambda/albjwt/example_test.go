package albjwt_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"

	"github.com/alb-cognito/alb-cognito-cdk/internal/albsim"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/albjwt"
)

func ExampleVerifier_Verify() {
	// A simulated load balancer and key endpoint stand in for AWS here.
	lb, _ := albsim.New(albsim.Config{})
	keys := httptest.NewServer(lb.Keys)
	defer keys.Close()

	v, err := albjwt.New(albjwt.Config{
		ALBARN:      lb.ARN, // your load balancer's ARN
		ClientID:    lb.ClientID,
		Issuer:      lb.Issuer,
		KeyEndpoint: keys.URL, // leave empty in AWS: it is derived from the ARN
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	status := func(token string) {
		claims, err := v.Verify(context.Background(), token)
		switch {
		case errors.Is(err, albjwt.ErrKeyUnavailable):
			fmt.Println("503", albjwt.Reason(err))
		case err != nil:
			fmt.Println("401", albjwt.Reason(err))
		default:
			fmt.Println("200 hello", claims.Username)
		}
	}

	token, _ := lb.Mint(lb.Claims(albsim.User{Username: "alice"}))
	status(token)

	// Validly signed, but by some other load balancer.
	forged, _ := lb.Mint(lb.Claims(albsim.User{}), albsim.WithHeader("signer",
		"arn:aws:elasticloadbalancing:eu-west-1:999999999999:loadbalancer/app/evil/0123456789abcdef"))
	status(forged)
	// Output:
	// 200 hello alice
	// 401 signer_mismatch
}
