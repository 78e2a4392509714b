package postgres

import (
	"testing"

	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/store/pgtest"
	"github.com/iamd-dev/iamd/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) docstore.Store {
		s, err := Open(t.Context(), pgtest.Database(t))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}
