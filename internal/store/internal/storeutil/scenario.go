package storeutil

import (
	"fmt"
	"time"

	"github.com/fastsim/fastsim/internal/store"
)

// NewScenario validates a scenario to create and returns it with its
// first version, under a new id, owned by actor.
func NewScenario(actor store.Actor, name string, body []byte, now func() time.Time) (store.Scenario, store.ScenarioVersion, error) {
	if name == "" {
		return store.Scenario{}, store.ScenarioVersion{}, fmt.Errorf("create scenario: name: must not be empty: %w", store.ErrInvalid)
	}
	if len(body) == 0 {
		return store.Scenario{}, store.ScenarioVersion{}, fmt.Errorf("create scenario: body: must not be empty: %w", store.ErrInvalid)
	}
	if actor.UserID == "" {
		return store.Scenario{}, store.ScenarioVersion{}, fmt.Errorf("create scenario: actor: must be a user: %w", store.ErrInvalid)
	}
	id, err := NewID()
	if err != nil {
		return store.Scenario{}, store.ScenarioVersion{}, err
	}
	at := Now(now)
	sc := store.Scenario{ID: id, OwnerID: actor.UserID, Name: name, LatestVersion: 1, CreatedAt: at, UpdatedAt: at}
	v := store.ScenarioVersion{ScenarioID: id, Version: 1, Name: name, Body: body, CreatedAt: at}
	return sc, v, nil
}
