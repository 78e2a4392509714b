package iam

import (
	"context"
	"encoding/json"

	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/pagecursor"
)

// ListVirtualMFADevices lists the account's devices in serial number order (their store
// ids), a page read from the store after the Marker's cursor: status "Assigned",
// "Unassigned", or "Any" ("" is "Any"); a status reads on until the page is filled. The users
// of the page's assigned devices are looked up by the name each device was enabled under,
// and only for a user renamed since by a streamed read of the account's users that stops
// once they are all found.
func (s *Service) ListVirtualMFADevices(ctx context.Context, account, status string, p Page) (PageOf[VirtualMFADevice], error) {
	switch status {
	case "", "Any", "Assigned", "Unassigned":
	default:
		return PageOf[VirtualMFADevice]{}, constraint(status, "assignmentStatus", "Member must satisfy enum value set: [Assigned, Unassigned, Any]")
	}
	max, err := p.maxItems()
	if err != nil {
		return PageOf[VirtualMFADevice]{}, err
	}
	after, err := decodeMarker(p.Marker)
	if err != nil {
		return PageOf[VirtualMFADevice]{}, err
	}
	var out PageOf[VirtualMFADevice]
	err = s.view(ctx, func(tx docstore.Tx) error {
		walk := func(after string, fn func(id string, raw []byte) error) error {
			return tx.List(colMFADevice, account, "", after, fn)
		}
		take := func(_ string, raw []byte) (VirtualMFADevice, bool, error) {
			var d MFADevice
			if err := json.Unmarshal(raw, &d); err != nil {
				return VirtualMFADevice{}, false, err
			}
			keep := status != "Assigned" && status != "Unassigned" || (status == "Assigned") == d.Assigned()
			return VirtualMFADevice{MFADevice: d}, keep, nil
		}
		items, next, err := pagecursor.Collect(walk, after, max, take)
		if err != nil {
			return err
		}
		if err := usersOfDevices(tx, account, items); err != nil {
			return err
		}
		out.Items = items
		if next != "" {
			out.IsTruncated, out.Marker = true, encodeMarker(next)
		}
		return nil
	})
	if err != nil {
		return PageOf[VirtualMFADevice]{}, err
	}
	return out, nil
}

// usersOfDevices sets the User of each assigned device: the user of the name it was enabled
// under when that is still the user of its id, else found by id in one streamed read of the
// account's users (a renamed user, or a device enabled before devices kept the name).
func usersOfDevices(tx docstore.Tx, account string, devices []VirtualMFADevice) error {
	missing := map[string][]int{} // user id -> the devices enabled for it
	for i := range devices {
		d := &devices[i]
		if !d.Assigned() {
			continue
		}
		if d.MFADevice.UserName != "" {
			var u User
			err := getUser(tx, account, d.MFADevice.UserName, &u)
			if err == nil && u.ID == d.UserID {
				d.User = &u
				continue
			}
			if err != nil && !isNoSuchEntity(err) {
				return err
			}
		}
		missing[d.UserID] = append(missing[d.UserID], i)
	}
	if len(missing) == 0 {
		return nil
	}
	return tx.List(colUser, account, "", "", func(_ string, raw []byte) error {
		var id struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(raw, &id); err != nil {
			return err
		}
		at, ok := missing[id.ID]
		if !ok {
			return nil
		}
		var u User
		if err := json.Unmarshal(raw, &u); err != nil {
			return err
		}
		for _, i := range at {
			devices[i].User = &u
		}
		delete(missing, id.ID)
		if len(missing) == 0 {
			return docstore.ErrStop
		}
		return nil
	})
}
