// Command fails stops during initialisation, as a function with a
// configuration error does.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "ROUTE_TABLE: required")
	os.Exit(1)
}
