package routing

// Bounds of the numbers routing stores. They are far above any real use;
// they exist because PostgreSQL stores these columns as 32-bit integers
// and would refuse a larger value with an error where SQLite stores it:
// both stores must answer alike, with a 422 naming the field.
const (
	MaxCapacity = 10_000 // a capacity (a user's, or the workspace default) and max_open
	MaxPriority = 1_000  // the largest queue priority; the smallest is -MaxPriority
)

// MaxDeviceIDLen bounds a signed-in device's id, in characters.
const MaxDeviceIDLen = 200
