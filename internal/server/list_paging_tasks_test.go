package server

import (
	"context"
	"encoding/xml"
	"net/url"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/store/sqlite"
)

// pageTasks pages through ListTasks, size tasks a page, and returns the task ids in the
// order listed and the number of pages.
func (ts *testServer) pageTasks(t *testing.T, creds aws.Credentials, size int) ([]string, int) {
	t.Helper()
	var ids []string
	token := ""
	pages := 0
	for pages < 100 {
		params := url.Values{"Action": {"ListTasks"}, "MaxResults": {strconv.Itoa(size)}}
		if token != "" {
			params.Set("NextToken", token)
		}
		body, err := ts.adminCall(creds, params)
		if err != nil {
			t.Fatal(err)
		}
		var res struct {
			IDs       []string `xml:"ListTasksResult>Tasks>member>TaskId"`
			NextToken string   `xml:"ListTasksResult>NextToken"`
		}
		if err := xml.Unmarshal(body, &res); err != nil {
			t.Fatal(err)
		}
		pages++
		if len(res.IDs) > size {
			t.Fatalf("a page of %d tasks, MaxResults %d", len(res.IDs), size)
		}
		ids = append(ids, res.IDs...)
		if token = res.NextToken; token == "" {
			break
		}
	}
	return ids, pages
}

// countDocs counts a collection's documents (of no account) in the server's store.
func (ts *testServer) countDocs(t *testing.T, collection string) int {
	t.Helper()
	var n int
	err := ts.srv.store.View(context.Background(), func(tx docstore.Tx) error {
		var err error
		n, err = tx.Count(collection, "", "")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestListTasksPagesInStartOrder(t *testing.T) {
	clock := &movableClock{t: time.Now().UTC().Truncate(time.Second)}
	ts := startServerAt(t, "", clock.now)
	launcher := taskRoles(t, ts)
	var started []string
	run := func() string {
		task, err := ts.runTask(launcher, taskRoleARN, "")
		if err != nil {
			t.Fatal(err)
		}
		started = append(started, task.TaskID)
		return task.TaskID
	}
	for range 4 {
		run()
		clock.add(time.Second)
	}
	// Three at one instant: by id among themselves.
	same := []string{run(), run(), run()}
	slices.Sort(same)
	want := append(slices.Clone(started[:4]), same...)
	for _, size := range []int{1, 3, 100} {
		got, pages := ts.pageTasks(t, launcher, size)
		if !slices.Equal(got, want) || pages != (len(want)+size-1)/size {
			t.Fatalf("MaxResults %d: %v in %d pages, want %v", size, got, pages, want)
		}
	}
	if res, _ := ts.listTasks(t, launcher); len(res.Tasks) != len(want) {
		t.Fatalf("without MaxResults: %d tasks, want all %d", len(res.Tasks), len(want))
	}
	// Stopped tasks leave the list, even between two pages.
	first, _ := ts.pageTasks(t, launcher, 2)
	if err := ts.stopTask(launcher, want[1]); err != nil {
		t.Fatal(err)
	}
	if err := ts.stopTask(launcher, want[5]); err != nil {
		t.Fatal(err)
	}
	got, _ := ts.pageTasks(t, launcher, 2)
	if w := []string{want[0], want[2], want[3], want[4], want[6]}; !slices.Equal(got, w) || len(first) != 7 {
		t.Fatalf("after two stops: %v, want %v", got, w)
	}
	for _, bad := range []url.Values{{"MaxResults": {"101"}}, {"MaxResults": {"x"}}, {"NextToken": {"!!"}}} {
		bad.Set("Action", "ListTasks")
		_, err := ts.adminCall(launcher, bad)
		wantAdminError(t, err, 400, "InvalidParameterException", map[bool]string{true: "Invalid nextToken.", false: "maxResults must be between 1 and 100."}[bad.Has("NextToken")])
	}
	// An hour after they stopped, the next RunTask deletes the two stopped tasks, and only them.
	if n := ts.countDocs(t, "tasks.task"); n != 7 {
		t.Fatalf("%d task records before the clean-up", n)
	}
	clock.add(61 * time.Minute)
	run()
	if n, s := ts.countDocs(t, "tasks.task"), ts.countDocs(t, "tasks.stopped"); n != 6 || s != 0 {
		t.Fatalf("after the clean-up: %d task records, %d stopped entries; want 6 and 0", n, s)
	}
}

// TestStartListsTasksOfAnOldDataDirectory drops the task indexes and their record from a
// data directory, as the code before them left one, and lists its running tasks through a
// server started on it.
func TestStartListsTasksOfAnOldDataDirectory(t *testing.T) {
	dir := t.TempDir()
	clock := &movableClock{t: time.Now().UTC().Truncate(time.Second)}
	ts := startServerAt(t, dir, clock.now)
	launcher := taskRoles(t, ts)
	var ids []string
	for range 3 {
		task, err := ts.runTask(launcher, taskRoleARN, "")
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, task.TaskID)
		clock.add(time.Second)
	}
	if err := ts.stopTask(launcher, ids[0]); err != nil {
		t.Fatal(err)
	}
	ts.stop()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(ctx, func(tx docstore.Tx) error {
		if err := tx.Delete(docstore.Key{Collection: "tasks.list-indexes", ID: "built"}); err != nil {
			return err
		}
		var entries []docstore.Key
		for _, k := range []docstore.Key{{Collection: "tasks.running", Account: DefaultAccountID}, {Collection: "tasks.stopped"}} {
			if err := tx.List(k.Collection, k.Account, "", "", func(id string, _ []byte) error {
				entries = append(entries, docstore.Key{Collection: k.Collection, Account: k.Account, ID: id})
				return nil
			}); err != nil {
				return err
			}
		}
		if len(entries) != 3 {
			t.Errorf("%d index entries, want 3", len(entries))
		}
		for _, k := range entries {
			if err := tx.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	ts = startServerAt(t, dir, clock.now)
	if got, _ := ts.pageTasks(t, launcher, 1); !slices.Equal(got, ids[1:]) {
		t.Fatalf("running tasks after the upgrade: %v, want %v", got, ids[1:])
	}
	// The stopped one is cleaned up an hour later, through the rebuilt index.
	clock.add(61 * time.Minute)
	if _, err := ts.runTask(launcher, taskRoleARN, ""); err != nil {
		t.Fatal(err)
	}
	if n := ts.countDocs(t, "tasks.task"); n != 3 {
		t.Fatalf("%d task records after the clean-up, want 3", n)
	}
}
