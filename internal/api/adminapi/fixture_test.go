package adminapi

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/api/awsquery"
	"github.com/iamd-dev/iamd/internal/api/route"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/tasks"
	"github.com/iamd-dev/iamd/internal/testutil"
)

const (
	account  = testutil.Account
	allowAll = testutil.AllowAll
)

// fixture is iamd's own API over the real stack server.New wires, with the tasks.
type fixture struct {
	*testutil.Stack
	api  *API
	root *authz.Caller // the default account's root user
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	s := testutil.New(t)
	api := New(s.IAM, account)
	api.EnableTasks(tasks.New(s.Store, s.STS, s.Authz, "us-east-1", time.Now), func() string { return "http://127.0.0.1:1" })
	return &fixture{Stack: s, api: api, root: testutil.Root(t, account)}
}

// do serves one decoded call through the API's service.
func (f *fixture) do(caller *authz.Caller, op string, params url.Values) (any, route.Outcome) {
	return f.api.service.Do(context.Background(), caller, op, &awsquery.Request{Action: op, Params: params}, "req-1")
}
