package stats

import (
	"context"
	"fmt"

	"hms/internal/platform/civil"
	"hms/internal/platform/db"
)

// addCounts adds a batch of counts to stats_daily: a new row, or the
// counts added to the row another flush (or instance) wrote.
func addCounts(ctx context.Context, tx *db.Tx, batch map[key]counts) error {
	for k, c := range batch {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO stats_daily (day, dimension, value, pageviews, visitors) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (day, dimension, value) DO UPDATE SET
				pageviews = stats_daily.pageviews + excluded.pageviews,
				visitors = stats_daily.visitors + excluded.visitors`,
			k.day, k.dim, k.value, c.pageviews, c.visitors)
		if err != nil {
			return fmt.Errorf("stats: add counts: %w", err)
		}
	}
	return nil
}

type dimRow struct {
	dim, value          string
	pageviews, visitors int64
}

// sumByValue sums each dimension's values over the days, most page views
// first.
func sumByValue(ctx context.Context, tx *db.Tx, from, to civil.Date) ([]dimRow, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT dimension, value, SUM(pageviews), SUM(visitors) FROM stats_daily
		WHERE day >= $1 AND day <= $2 AND dimension <> 'total'
		GROUP BY dimension, value
		ORDER BY dimension, SUM(pageviews) DESC, value`, from, to)
	if err != nil {
		return nil, fmt.Errorf("stats: sum by value: %w", err)
	}
	defer rows.Close()
	var out []dimRow
	for rows.Next() {
		var r dimRow
		if err := rows.Scan(&r.dim, &r.value, &r.pageviews, &r.visitors); err != nil {
			return nil, fmt.Errorf("stats: sum by value: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("stats: sum by value: %w", err)
	}
	return out, nil
}

// totalsByDay reads the daily totals of the days.
func totalsByDay(ctx context.Context, tx *db.Tx, from, to civil.Date) (map[civil.Date]counts, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT day, pageviews, visitors FROM stats_daily
		WHERE day >= $1 AND day <= $2 AND dimension = 'total' AND value = ''`, from, to)
	if err != nil {
		return nil, fmt.Errorf("stats: totals by day: %w", err)
	}
	defer rows.Close()
	out := map[civil.Date]counts{}
	for rows.Next() {
		var d civil.Date
		var c counts
		if err := rows.Scan(&d, &c.pageviews, &c.visitors); err != nil {
			return nil, fmt.Errorf("stats: totals by day: %w", err)
		}
		out[d] = c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("stats: totals by day: %w", err)
	}
	return out, nil
}
