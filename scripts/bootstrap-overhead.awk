# Bootstrap 95 % CI of the overhead (median(B) / median(A) - 1) * 100 %,
# seeded, 2000 resamples. Input lines: "A seconds" (baseline), "B seconds".
# Plain (m)awk: an iterative heap sort (resamples are full of ties, which
# would drive a recursive quicksort past mawk's stack).
function sift(v, lo, start, end,   root, child, t) {
	root = start
	while ((child = 2 * (root - lo) + 1 + lo) <= end) {
		if (child + 1 <= end && v[child] < v[child + 1]) child++
		if (v[root] >= v[child]) return
		t = v[root]; v[root] = v[child]; v[child] = t
		root = child
	}
}
function hsort(v, n,   i, t) {
	for (i = int((n - 2) / 2) + 1; i >= 1; i--) sift(v, 1, i, n)
	for (i = n; i > 1; i--) { t = v[1]; v[1] = v[i]; v[i] = t; sift(v, 1, 1, i - 1) }
}
function med(v, n) { hsort(v, n); return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }
$1 == "A" { a[++na] = $2 } $1 == "B" { b[++nb] = $2 }
END {
	if (!na || !nb) exit 1
	srand(1)
	for (k = 1; k <= 2000; k++) {
		for (i = 1; i <= na; i++) ra[i] = a[int(rand() * na) + 1]
		for (i = 1; i <= nb; i++) rb[i] = b[int(rand() * nb) + 1]
		d[k] = (med(rb, nb) / med(ra, na) - 1) * 100
	}
	hsort(d, 2000)
	printf "%+.1f %+.1f\n", d[50], d[1951]
}
