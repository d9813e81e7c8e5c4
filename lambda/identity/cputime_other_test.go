//go:build !unix

package identity_test

// processCPU is not measured on this platform.
func processCPU() int64 { return 0 }
