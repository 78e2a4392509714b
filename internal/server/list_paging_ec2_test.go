package server

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsec2 "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/store/sqlite"
)

// pageInstanceIDs pages through DescribeInstances with the paginator and returns the ids in
// the order listed and the number of pages.
func pageInstanceIDs(t *testing.T, c *awsec2.Client, in *awsec2.DescribeInstancesInput) ([]string, int) {
	t.Helper()
	var got []string
	pages := 0
	p := awsec2.NewDescribeInstancesPaginator(c, in)
	for p.HasMorePages() && pages < 100 {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		pages++
		// A page is read in id order and answered grouped by reservation, as EC2 groups
		// it: a page holding instances of two launches lists each launch's together. So the
		// ids are compared in id order within a page, and the pages in the order they came.
		var page []string
		for _, r := range out.Reservations {
			for _, i := range r.Instances {
				page = append(page, aws.ToString(i.InstanceId))
			}
		}
		if in.MaxResults != nil && len(page) > int(*in.MaxResults) {
			t.Fatalf("a page of %d instances, MaxResults %d", len(page), *in.MaxResults)
		}
		slices.Sort(page)
		got = append(got, page...)
	}
	return got, pages
}

// pageAssociations pages through DescribeIamInstanceProfileAssociations and returns the
// association ids and their instances' ids, in the order listed.
func pageAssociations(t *testing.T, c *awsec2.Client, in *awsec2.DescribeIamInstanceProfileAssociationsInput) (assocs, instances []string, pages int) {
	t.Helper()
	p := awsec2.NewDescribeIamInstanceProfileAssociationsPaginator(c, in)
	for p.HasMorePages() && pages < 100 {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if in.MaxResults != nil && len(out.IamInstanceProfileAssociations) > int(*in.MaxResults) {
			t.Fatalf("a page of %d associations, MaxResults %d", len(out.IamInstanceProfileAssociations), *in.MaxResults)
		}
		for _, a := range out.IamInstanceProfileAssociations {
			assocs = append(assocs, aws.ToString(a.AssociationId))
			instances = append(instances, aws.ToString(a.InstanceId))
		}
	}
	return assocs, instances, pages
}

// runWithProfile launches n instances with the instance profile and returns their ids.
func runWithProfile(t *testing.T, c *awsec2.Client, profile string, n int32) []string {
	t.Helper()
	out, err := c.RunInstances(context.Background(), &awsec2.RunInstancesInput{ImageId: aws.String("ami-0abcdef1234567890"),
		MinCount: aws.Int32(n), MaxCount: aws.Int32(n), IamInstanceProfile: &ec2types.IamInstanceProfileSpecification{Name: aws.String(profile)}})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, i := range out.Instances {
		ids = append(ids, aws.ToString(i.InstanceId))
	}
	return ids
}

func TestDescribeInstancesAndAssociationsPageInIDOrder(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	machineRole(t, ts, "Fleet-Role", ec2Trust, "")
	c := ts.ec2(ts.root)
	ids := runWithProfile(t, c, "Fleet-Role", 12)
	sorted := slices.Sorted(slices.Values(ids))

	got, pages := pageInstanceIDs(t, c, &awsec2.DescribeInstancesInput{MaxResults: aws.Int32(5)})
	if !slices.Equal(got, sorted) || pages != 3 {
		t.Fatalf("instances: %v in %d pages, want %v in 3", got, pages, sorted)
	}
	got, pages = pageInstanceIDs(t, c, &awsec2.DescribeInstancesInput{MaxResults: aws.Int32(5),
		Filters: []ec2types.Filter{{Name: aws.String("instance-id"), Values: []string{"i-*"}}}})
	if !slices.Equal(got, sorted) || pages != 3 {
		t.Fatalf("instance-id i-*: %v in %d pages", got, pages)
	}
	// Literal ids are read by key: the named ones (those that exist), in id order, paged.
	named := []string{sorted[9], sorted[2], "i-0123456789abcdef0", sorted[4], sorted[7], sorted[0], sorted[11]}
	got, pages = pageInstanceIDs(t, c, &awsec2.DescribeInstancesInput{MaxResults: aws.Int32(5),
		Filters: []ec2types.Filter{{Name: aws.String("instance-id"), Values: named}}})
	if want := []string{sorted[0], sorted[2], sorted[4], sorted[7], sorted[9], sorted[11]}; !slices.Equal(got, want) || pages != 2 {
		t.Fatalf("instance-id of six: %v in %d pages, want %v in 2", got, pages, want)
	}
	// Two instance-id filters: the ids both name.
	got, _ = pageInstanceIDs(t, c, &awsec2.DescribeInstancesInput{Filters: []ec2types.Filter{
		{Name: aws.String("instance-id"), Values: []string{sorted[1], sorted[3]}},
		{Name: aws.String("instance-id"), Values: []string{sorted[3], sorted[5]}}}})
	if !slices.Equal(got, []string{sorted[3]}) {
		t.Fatalf("two instance-id filters: %v", got)
	}
	// A terminated instance still shows, in its place; a state filter skips it.
	if _, err := c.TerminateInstances(ctx, &awsec2.TerminateInstancesInput{InstanceIds: []string{sorted[6]}}); err != nil {
		t.Fatal(err)
	}
	got, _ = pageInstanceIDs(t, c, &awsec2.DescribeInstancesInput{MaxResults: aws.Int32(5),
		Filters: []ec2types.Filter{{Name: aws.String("instance-state-name"), Values: []string{"running"}}}})
	if want := slices.Delete(slices.Clone(sorted), 6, 7); !slices.Equal(got, want) {
		t.Fatalf("running: %v, want %v", got, want)
	}
	_, err := c.DescribeInstances(ctx, &awsec2.DescribeInstancesInput{NextToken: aws.String("bm90LWFuLWlk")})
	apiError(t, err, "InvalidNextToken")

	// Associations: in association id order, the terminated instance's gone.
	assocs, instances, pages := pageAssociations(t, c, &awsec2.DescribeIamInstanceProfileAssociationsInput{MaxResults: aws.Int32(5)})
	if len(assocs) != 11 || !slices.IsSorted(assocs) || pages != 3 || slices.Contains(instances, sorted[6]) {
		t.Fatalf("associations %v of %v in %d pages", assocs, instances, pages)
	}
	byInstance := map[string]string{}
	for i := range assocs {
		byInstance[instances[i]] = assocs[i]
	}
	_, instances, _ = pageAssociations(t, c, &awsec2.DescribeIamInstanceProfileAssociationsInput{MaxResults: aws.Int32(5),
		Filters: []ec2types.Filter{{Name: aws.String("instance-id"), Values: []string{sorted[3], sorted[1], sorted[6]}}}})
	want := []string{sorted[1], sorted[3]}
	slices.SortFunc(want, func(x, y string) int { return strings.Compare(byInstance[x], byInstance[y]) })
	if !slices.Equal(instances, want) {
		t.Fatalf("associations of two instances: %v, want %v", instances, want)
	}
	// Disassociating takes one out of the index; replacing moves it to a new id.
	if _, err := c.DisassociateIamInstanceProfile(ctx, &awsec2.DisassociateIamInstanceProfileInput{AssociationId: aws.String(byInstance[sorted[0]])}); err != nil {
		t.Fatal(err)
	}
	rep, err := c.ReplaceIamInstanceProfileAssociation(ctx, &awsec2.ReplaceIamInstanceProfileAssociationInput{AssociationId: aws.String(byInstance[sorted[1]]),
		IamInstanceProfile: &ec2types.IamInstanceProfileSpecification{Name: aws.String("Fleet-Role")}})
	if err != nil {
		t.Fatal(err)
	}
	assocs, instances, _ = pageAssociations(t, c, &awsec2.DescribeIamInstanceProfileAssociationsInput{MaxResults: aws.Int32(6)})
	if len(assocs) != 10 || slices.Contains(instances, sorted[0]) || slices.Contains(assocs, byInstance[sorted[1]]) ||
		!slices.Contains(assocs, aws.ToString(rep.IamInstanceProfileAssociation.AssociationId)) {
		t.Fatalf("after a disassociation and a replacement: %v of %v", assocs, instances)
	}
}

// TestDescribeInstancesPagingIsStableUnderLaunches pages through the instances while more
// are launched: each instance that existed before is listed once, in id order.
func TestDescribeInstancesPagingIsStableUnderLaunches(t *testing.T) {
	ts := startServer(t, "")
	machineRole(t, ts, "Fleet-Role", ec2Trust, "")
	c := ts.ec2(ts.root)
	before := slices.Sorted(slices.Values(runWithProfile(t, c, "Fleet-Role", 10)))
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 8 {
			runWithProfile(t, c, "Fleet-Role", 1)
		}
	}()
	got, _ := pageInstanceIDs(t, c, &awsec2.DescribeInstancesInput{MaxResults: aws.Int32(5)})
	wg.Wait()
	if !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != len(got) {
		t.Fatalf("listed out of order or twice: %v", got)
	}
	old := slices.DeleteFunc(slices.Clone(got), func(id string) bool { return !slices.Contains(before, id) })
	if !slices.Equal(old, before) {
		t.Fatalf("the instances made before: %v, want %v", old, before)
	}
}

// TestStartFindsAssociationsOfAnOldDataDirectory drops the association index and its record
// from a data directory, as the code before it left one, and finds and lists the
// associations through a server started on it.
func TestStartFindsAssociationsOfAnOldDataDirectory(t *testing.T) {
	dir := t.TempDir()
	ts := startServer(t, dir)
	machineRole(t, ts, "Fleet-Role", ec2Trust, "")
	c := ts.ec2(ts.root)
	runWithProfile(t, c, "Fleet-Role", 3)
	want, _, _ := pageAssociations(t, c, &awsec2.DescribeIamInstanceProfileAssociationsInput{})
	ts.stop()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(ctx, func(tx docstore.Tx) error {
		for _, k := range []docstore.Key{{Collection: "ec2.list-indexes", Account: DefaultAccountID, ID: "built"}} {
			if err := tx.Delete(k); err != nil {
				return err
			}
		}
		for _, id := range want {
			if err := tx.Delete(docstore.Key{Collection: "ec2.association", Account: DefaultAccountID, ID: "us-east-1/" + id}); err != nil {
				return err
			}
		}
		return nil
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	ts = startServer(t, dir)
	c = ts.ec2(ts.root)
	if _, err := c.DisassociateIamInstanceProfile(ctx, &awsec2.DisassociateIamInstanceProfileInput{AssociationId: aws.String(want[1])}); err != nil {
		t.Fatal(err)
	}
	got, _, _ := pageAssociations(t, c, &awsec2.DescribeIamInstanceProfileAssociationsInput{MaxResults: aws.Int32(5)})
	if !slices.Equal(got, []string{want[0], want[2]}) {
		t.Fatalf("associations after the upgrade: %v, want %v", got, []string{want[0], want[2]})
	}
}
