package postgres

import (
	"testing"

	"github.com/iamd-dev/iamd/internal/store/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }
