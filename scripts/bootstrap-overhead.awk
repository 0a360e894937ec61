# Bootstrap 95 % CI of the overhead (median(B) / median(A) - 1) * 100 %,
# seeded, 2000 resamples. Input lines: "A seconds" (baseline), "B seconds".
function qsort(v, lo, hi,   i, last, t) {
	if (lo >= hi) return
	t = v[lo]; v[lo] = v[int((lo + hi) / 2)]; v[int((lo + hi) / 2)] = t
	last = lo
	for (i = lo + 1; i <= hi; i++)
		if (v[i] < v[lo]) { last++; t = v[last]; v[last] = v[i]; v[i] = t }
	t = v[lo]; v[lo] = v[last]; v[last] = t
	qsort(v, lo, last - 1); qsort(v, last + 1, hi)
}
function med(v, n) { qsort(v, 1, n); return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }
$1 == "A" { a[++na] = $2 } $1 == "B" { b[++nb] = $2 }
END {
	if (!na || !nb) exit 1
	srand(1)
	for (k = 1; k <= 2000; k++) {
		for (i = 1; i <= na; i++) ra[i] = a[int(rand() * na) + 1]
		for (i = 1; i <= nb; i++) rb[i] = b[int(rand() * nb) + 1]
		d[k] = (med(rb, nb) / med(ra, na) - 1) * 100
	}
	qsort(d, 1, 2000)
	printf "%+.1f %+.1f\n", d[50], d[1951]
}
