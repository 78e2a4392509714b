package route_test

import (
	"github.com/iamd-dev/iamd/internal/api/awsquery"
	"github.com/iamd-dev/iamd/internal/api/route"
)

// The Query protocol is a codec.
var _ route.Codec[*awsquery.Request] = awsquery.Codec{}
