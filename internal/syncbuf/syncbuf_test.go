package syncbuf_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/alb-cognito/alb-cognito-cdk/internal/syncbuf"
)

// Writers and readers at once lose nothing (and -race finds no race).
func TestConcurrentWritesAndReads(t *testing.T) {
	t.Parallel()
	var b syncbuf.Buffer
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for j := range 100 {
				fmt.Fprintf(&b, "w%d-%d\n", i, j)
			}
		}()
		go func() {
			defer wg.Done()
			for range 100 {
				_ = b.String()
			}
		}()
	}
	wg.Wait()
	if n := strings.Count(b.String(), "\n"); n != 800 {
		t.Errorf("%d lines, want 800", n)
	}
}
