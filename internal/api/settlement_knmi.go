package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"hms/internal/account"
	"hms/internal/platform/civil"
	"hms/internal/platform/validation"
	"hms/internal/settlement"
)

// KNMI daily temperatures and the degree days weighed from them (DOMAIN.md §7.6).
func init() {
	areas = append(areas, func(a *API) {
		read, write := account.PermFinanceRead, account.PermFinanceWrite
		op(a, http.MethodGet, "/settlement/knmi-stations", "list-knmi-stations", "KNMI stations with imported daily temperatures", read,
			a.listKNMIStations)
		op(a, http.MethodPost, "/settlement/knmi-stations/{station}/days", "import-knmi-days",
			"Import a KNMI daily-data file (etmgeg_NNN.txt) of a station; all rows or none", write, a.importKNMIDays)
		op(a, http.MethodGet, "/settlement/knmi-stations/{station}/degree-days/{year}", "get-knmi-degree-days",
			"Weighted degree days per month of a year, from a station's days (complete months only)", read, a.getKNMIDegreeDays)
		op(a, http.MethodPut, "/settlement/complexes/{complex}/years/{year}/knmi-station", "set-settlement-station",
			"Choose the KNMI station whose days give the degree days of a complex and year (0: none)", write, a.setSettlementStation)
	})
}

// KNMIStationJSON is a station with imported days.
type KNMIStationJSON struct {
	Station int        `json:"station"`
	Days    int        `json:"days"`
	First   civil.Date `json:"first"`
	Last    civil.Date `json:"last"`
}

// ListKNMIStationsInput pages through the stations in number order (the
// cursor is the last station number seen).
type ListKNMIStationsInput struct {
	PageInput
}

// KNMIStationsOutput is a page of stations.
type KNMIStationsOutput struct {
	Body Page[KNMIStationJSON]
}

func (a *API) listKNMIStations(ctx context.Context, act account.Actor, in *ListKNMIStationsInput) (*KNMIStationsOutput, error) {
	sts, err := a.Settlement.KNMIStations(ctx, act)
	if err != nil {
		return nil, err
	}
	items := make([]KNMIStationJSON, 0, len(sts))
	for _, s := range sts {
		items = append(items, KNMIStationJSON{Station: s.Station, Days: s.Days, First: s.First, Last: s.Last})
	}
	page, err := pageOf(items, in.PageInput, func(s KNMIStationJSON) string { return strconv.Itoa(s.Station) })
	if err != nil {
		return nil, err
	}
	return &KNMIStationsOutput{Body: page}, nil
}

// ImportKNMIDaysInput is the file as KNMI publishes it.
type ImportKNMIDaysInput struct {
	Station int    `path:"station"`
	RawBody []byte `contentType:"text/plain" maxLength:"33554432"`
}

// ImportKNMIDaysOutput says what was stored.
type ImportKNMIDaysOutput struct {
	Body KNMIStationJSON
}

func (a *API) importKNMIDays(ctx context.Context, act account.Actor, in *ImportKNMIDaysInput) (*ImportKNMIDaysOutput, error) {
	res, err := a.Settlement.ImportKNMI(ctx, act, in.Station, bytes.NewReader(in.RawBody))
	var ie settlement.ImportErrors
	if errors.As(err, &ie) {
		// Each bad cell is named by line and column: body.file[line].column.
		fe := validation.Errors{}
		for _, ce := range ie {
			loc := fmt.Sprintf("file[%d]", ce.Line)
			if ce.Column != "" {
				loc += "." + ce.Column
			}
			fe.Add(loc, ce.Reason)
		}
		return nil, fe
	}
	if err != nil {
		return nil, err
	}
	return &ImportKNMIDaysOutput{Body: KNMIStationJSON{Station: res.Station, Days: res.Days, First: res.First, Last: res.Last}}, nil
}

// KNMIDegreeDaysInput names a station and year.
type KNMIDegreeDaysInput struct {
	Station int `path:"station"`
	Year    int `path:"year"`
}

func (a *API) getKNMIDegreeDays(ctx context.Context, act account.Actor, in *KNMIDegreeDaysInput) (*DegreeDaysOutput, error) {
	dd, err := a.Settlement.KNMIDegreeDays(ctx, act, in.Station, in.Year)
	if err != nil {
		return nil, err
	}
	out := &DegreeDaysOutput{}
	out.Body.Items = make([]DegreeDayJSON, 0, len(dd))
	for _, d := range dd {
		out.Body.Items = append(out.Body.Items, DegreeDayJSON{Month: d.Month, Value: d.Value})
	}
	return out, nil
}

// SetSettlementStationInput chooses a station.
type SetSettlementStationInput struct {
	Complex int64 `path:"complex"`
	Year    int   `path:"year"`
	Body    struct {
		Station int `json:"station" doc:"KNMI station number, such as 260 (De Bilt); 0: none"`
	}
}

func (a *API) setSettlementStation(ctx context.Context, act account.Actor, in *SetSettlementStationInput) (*SettlementYearOutput, error) {
	if err := a.Settlement.SetDegreeDayStation(ctx, act, in.Complex, in.Year, in.Body.Station); err != nil {
		return nil, err
	}
	return a.getSettlementYear(ctx, act, &SettlementYearInput{Complex: in.Complex, Year: in.Year})
}
