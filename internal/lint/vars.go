package lint

import "sync"

var (
	arnServicesOnce sync.Once
	arnServicesSet  map[string]bool
)
