;; Vitrine scoring kernel (WebAssembly SIMD, v128).
;;
;;   score_i = ((u · v_i) × g) × scale_i + bias_i × w     for rows [row, end) of the block
;;
;; (w: the call's bias weight, 1 − popularity debias; set_mask).
;;
;; One pass over the embedding block, four rows per step, so each slice of the query is loaded
;; once for four rows and the block is read as one forward stream (what the hardware prefetcher
;; wants: see "Layout"). A running top-k lives in linear memory; the four scores of a step are
;; compared with its threshold in one vector compare, so the top-k and the item masks are touched
;; only by rows that would enter the top-k: no score vector is ever written.
;;
;; Layout: rows are zero padded to `rb` bytes (a multiple of 32) and stored in tiles of four:
;; 32 bytes of row 0, of row 1, of row 2, of row 3, then the next 32 bytes of each. A step then
;; reads 128 consecutive bytes at a time. (With plain rows the four rows are four streams `rb`
;; apart, which cost float32 at d = 128 half its bandwidth.)
;;
;; Element types, with j the byte offset within a row:
;;   f32  v: float32;             u: float32                     at u + j
;;   f16  v: IEEE half (bits);    u: float32 × 2^t, two per half at u + 2j  (g undoes 2^t)
;;   i8   v: int8 (per-row scale in `scale`); u: int16 (g = u's step) at u + 2j
;; f16 is widened by bit moves: (sign-extend, shift left 13, keep sign|exp|mantissa) gives the
;; float32 whose value is v × 2^-112, exactly, subnormals included; the 2^112 is folded into u.
;;
;; Top-k state at h: [h] count i32, [h+4] k i32, [h+8] threshold f32, [h+12] capacity i32, then
;; `capacity` i64 keys from h+16 (see $select). The threshold is MASKED_THRESHOLD until k rows are
;; kept, then the k-th best score. Ties go to the lower row, as in the plain-JS reference: rows
;; arrive in ascending order and must beat the threshold strictly.
;;
;; Rebuild kernel-wasm.ts after editing: node scripts/build-wasm.mjs
(module
  (import "env" "memory" (memory 1))

  ;; Per-row attributes (set_rows, once per catalog).
  (global $nRows (mut i32) (i32.const 0))
  (global $pricePtr (mut i32) (i32.const 0))    ;; f64 per row, NaN = unknown
  (global $attrPtr (mut i32) (i32.const 0))     ;; u8 per row, bit 0 = out of stock
  (global $catPtr (mut i32) (i32.const 0))      ;; i32 per row, category index (0 = none)
  (global $brandPtr (mut i32) (i32.const 0))    ;; i32 per row, brand index (0 = none)
  ;; The current call's mask (set_mask).
  (global $maskFlags (mut i32) (i32.const 0))   ;; 1 excluded rows, 2 in stock, 4 price min, 8 price max, 16 categories, 32 brands
  (global $priceMin (mut f64) (f64.const 0))
  (global $priceMax (mut f64) (f64.const 0))
  (global $exclPtr (mut i32) (i32.const 0))     ;; bitset of excluded rows
  (global $allowedPtr (mut i32) (i32.const 0))  ;; u8 per category index, 1 = allowed
  (global $allowedBrandPtr (mut i32) (i32.const 0))  ;; u8 per brand index, 1 = allowed
  (global $biasWeight (mut f32) (f32.const 1))  ;; multiplies bias_i (popularity debias)

  (func (export "set_rows") (param $n i32) (param $price i32) (param $attr i32) (param $cat i32) (param $brand i32)
    (global.set $nRows (local.get $n))
    (global.set $pricePtr (local.get $price))
    (global.set $attrPtr (local.get $attr))
    (global.set $catPtr (local.get $cat))
    (global.set $brandPtr (local.get $brand)))

;; Tiles `count` row-major rows of `rowBytes` bytes at `src` (rows first … first + count − 1)
  ;; into the block at `dst` (see "Layout"; `rb` is the padded row length): one memory.copy per
  ;; 32-byte slot. The scorer stages a file's rows through scratch memory in chunks and calls
  ;; this, since the same copy in JavaScript runs cold in a fresh worker (~20 ms at 100k × 64).
  (func (export "tile_rows") (param $src i32) (param $dst i32) (param $first i32) (param $count i32) (param $rowBytes i32) (param $rb i32)
    (local $r i32) (local $end i32) (local $from i32) (local $to i32) (local $o i32) (local $len i32)
    (local.set $r (local.get $first))
    (local.set $end (i32.add (local.get $first) (local.get $count)))
    (local.set $from (local.get $src))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $r) (local.get $end)))
        ;; tile (r & ~3) starts at (r & ~3) × rb; the row's slots are 32 bytes apart in 128.
        (local.set $to (i32.add (local.get $dst)
          (i32.add (i32.mul (i32.and (local.get $r) (i32.const -4)) (local.get $rb))
                   (i32.shl (i32.and (local.get $r) (i32.const 3)) (i32.const 5)))))
        (local.set $o (i32.const 0))
        (block $rowDone
          (loop $slots
            (br_if $rowDone (i32.ge_u (local.get $o) (local.get $rowBytes)))
            (local.set $len (i32.sub (local.get $rowBytes) (local.get $o)))
            (if (i32.gt_u (local.get $len) (i32.const 32)) (then (local.set $len (i32.const 32))))
            (memory.copy (i32.add (local.get $to) (i32.shl (local.get $o) (i32.const 2))) (i32.add (local.get $from) (local.get $o)) (local.get $len))
            (local.set $o (i32.add (local.get $o) (i32.const 32)))
            (br $slots)))
        (local.set $from (i32.add (local.get $from) (local.get $rowBytes)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows))))

  (func (export "set_mask")
    (param $flags i32) (param $min f64) (param $max f64) (param $excl i32) (param $allowed i32) (param $allowedBrand i32) (param $biasWeight f32)
    (global.set $maskFlags (local.get $flags))
    (global.set $priceMin (local.get $min))
    (global.set $priceMax (local.get $max))
    (global.set $exclPtr (local.get $excl))
    (global.set $allowedPtr (local.get $allowed))
    (global.set $allowedBrandPtr (local.get $allowedBrand))
    (global.set $biasWeight (local.get $biasWeight)))

  ;; Same semantics as itemPassesFilters + excludeRows in mask.ts.
  (func $allowed (export "allowed") (param $row i32) (result i32)
    (local $f i32) (local $p f64)
    (if (i32.ge_u (local.get $row) (global.get $nRows)) (then (return (i32.const 0))))
    (local.set $f (global.get $maskFlags))
    (if (i32.and (local.get $f) (i32.const 1))
      (then
        (if (i32.and
              (i32.shr_u
                (i32.load8_u (i32.add (global.get $exclPtr) (i32.shr_u (local.get $row) (i32.const 3))))
                (i32.and (local.get $row) (i32.const 7)))
              (i32.const 1))
          (then (return (i32.const 0))))))
    (if (i32.and (local.get $f) (i32.const 2))
      (then
        (if (i32.and (i32.load8_u (i32.add (global.get $attrPtr) (local.get $row))) (i32.const 1))
          (then (return (i32.const 0))))))
    (if (i32.and (local.get $f) (i32.const 12))
      (then
        (local.set $p (f64.load (i32.add (global.get $pricePtr) (i32.shl (local.get $row) (i32.const 3)))))
        ;; NaN (unknown price) fails both comparisons, as in the reference.
        (if (i32.and (local.get $f) (i32.const 4))
          (then (if (i32.eqz (f64.ge (local.get $p) (global.get $priceMin))) (then (return (i32.const 0))))))
        (if (i32.and (local.get $f) (i32.const 8))
          (then (if (i32.eqz (f64.le (local.get $p) (global.get $priceMax))) (then (return (i32.const 0))))))))
    (if (i32.and (local.get $f) (i32.const 16))
      (then
        (if (i32.eqz
              (i32.load8_u
                (i32.add (global.get $allowedPtr)
                  (i32.load (i32.add (global.get $catPtr) (i32.shl (local.get $row) (i32.const 2)))))))
          (then (return (i32.const 0))))))
    (if (i32.and (local.get $f) (i32.const 32))
      (then
        (if (i32.eqz
              (i32.load8_u
                (i32.add (global.get $allowedBrandPtr)
                  (i32.load (i32.add (global.get $brandPtr) (i32.shl (local.get $row) (i32.const 2)))))))
          (then (return (i32.const 0))))))
    (i32.const 1))

;; ---- top-k ---------------------------------------------------------------------------
  ;; Rows that beat the threshold are appended to a buffer of `cap` (> k) keys; when it fills,
  ;; a selection keeps the best k and raises the threshold to the k-th. Appending costs a store,
  ;; against a heap's log k data-dependent branches per row; the selection runs once per
  ;; cap - k arrivals. A key orders (score, row) in one unsigned i64 compare: the score's bits
  ;; made monotonic in the high half, the complemented row in the low half, so equal scores
  ;; rank the lower row first, as the reference does.
  (func $key (param $s f32) (param $row i32) (result i64)
    (local $b i32)
    (local.set $b (i32.reinterpret_f32 (local.get $s)))
    (local.set $b
      (select
        (i32.xor (local.get $b) (i32.const -1))
        (i32.or (local.get $b) (i32.const 0x80000000))
        (i32.lt_s (local.get $b) (i32.const 0))))
    (i64.or
      (i64.shl (i64.extend_i32_u (local.get $b)) (i64.const 32))
      (i64.extend_i32_u (i32.xor (local.get $row) (i32.const -1)))))

  (func $keyScore (param $key i64) (result f32)
    (local $b i32)
    (local.set $b (i32.wrap_i64 (i64.shr_u (local.get $key) (i64.const 32))))
    (f32.reinterpret_i32
      (select
        (i32.xor (local.get $b) (i32.const 0x80000000))
        (i32.xor (local.get $b) (i32.const -1))
        (i32.lt_s (local.get $b) (i32.const 0)))))

  ;; Moves the k best keys of the n in the buffer to its front (Wirth's selection, descending)
  ;; and makes the k-th the threshold.
  (func $select (param $h i32) (param $n i32)
    (local $k i32) (local $l i32) (local $r i32) (local $i i32) (local $j i32) (local $t i32)
    (local $x i64) (local $a i64) (local $pi i32) (local $pj i32)
    (local.set $k (i32.load offset=4 (local.get $h)))
    (local.set $t (i32.sub (local.get $k) (i32.const 1)))
    (local.set $r (i32.sub (local.get $n) (i32.const 1)))
    (block $found
      (loop $narrow
        (br_if $found (i32.ge_s (local.get $l) (local.get $r)))
        (local.set $x (i64.load offset=16 (i32.add (local.get $h) (i32.shl (local.get $t) (i32.const 3)))))
        (local.set $i (local.get $l))
        (local.set $j (local.get $r))
        (loop $partition
          (loop $left
            (local.set $pi (i32.add (local.get $h) (i32.shl (local.get $i) (i32.const 3))))
            (if (i64.gt_u (i64.load offset=16 (local.get $pi)) (local.get $x))
              (then (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $left))))
          (loop $right
            (local.set $pj (i32.add (local.get $h) (i32.shl (local.get $j) (i32.const 3))))
            (if (i64.gt_u (local.get $x) (i64.load offset=16 (local.get $pj)))
              (then (local.set $j (i32.sub (local.get $j) (i32.const 1))) (br $right))))
          (if (i32.le_s (local.get $i) (local.get $j))
            (then
              (local.set $a (i64.load offset=16 (local.get $pi)))
              (i64.store offset=16 (local.get $pi) (i64.load offset=16 (local.get $pj)))
              (i64.store offset=16 (local.get $pj) (local.get $a))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (local.set $j (i32.sub (local.get $j) (i32.const 1)))))
          (br_if $partition (i32.le_s (local.get $i) (local.get $j))))
        (if (i32.lt_s (local.get $j) (local.get $t)) (then (local.set $l (local.get $i))))
        (if (i32.lt_s (local.get $t) (local.get $i)) (then (local.set $r (local.get $j))))
        (br $narrow)))
    (i32.store (local.get $h) (local.get $k))
    (f32.store offset=8 (local.get $h)
      (call $keyScore (i64.load offset=16 (i32.add (local.get $h) (i32.shl (local.get $t) (i32.const 3)))))))

  (func $offer (param $s f32) (param $row i32) (param $h i32)
    (local $n i32)
    (if (i32.eqz (f32.gt (local.get $s) (f32.load offset=8 (local.get $h)))) (then (return)))
    (if (i32.eqz (call $allowed (local.get $row))) (then (return)))
    (local.set $n (i32.load (local.get $h)))
    (i64.store offset=16 (i32.add (local.get $h) (i32.shl (local.get $n) (i32.const 3))) (call $key (local.get $s) (local.get $row)))
    (local.set $n (i32.add (local.get $n) (i32.const 1)))
    (i32.store (local.get $h) (local.get $n))
    (if (i32.eq (local.get $n) (i32.load offset=12 (local.get $h)))
      (then (call $select (local.get $h) (local.get $n)))))

  ;; After a scan: the best min(k, count) keys at the front of the buffer, unordered.
  (func (export "finish") (param $h i32)
    (local $n i32)
    (local.set $n (i32.load (local.get $h)))
    (if (i32.gt_u (local.get $n) (i32.load offset=4 (local.get $h)))
      (then (call $select (local.get $h) (local.get $n)))))

  ;; The slow path of a step: some lane beat the threshold. Returns the new threshold.
  (func $offer4 (param $x v128) (param $row i32) (param $h i32) (result f32)
    (call $offer (f32x4.extract_lane 0 (local.get $x)) (local.get $row) (local.get $h))
    (call $offer (f32x4.extract_lane 1 (local.get $x)) (i32.add (local.get $row) (i32.const 1)) (local.get $h))
    (call $offer (f32x4.extract_lane 2 (local.get $x)) (i32.add (local.get $row) (i32.const 2)) (local.get $h))
    (call $offer (f32x4.extract_lane 3 (local.get $x)) (i32.add (local.get $row) (i32.const 3)) (local.get $h))
    (f32.load offset=8 (local.get $h)))

  ;; ---- float32 ---------------------------------------------------------------------------
  (func (export "scan_f32")
    (param $row i32) (param $end i32) (param $vec i32) (param $rb i32) (param $u i32)
    (param $g f32) (param $scale i32) (param $bias i32) (param $h i32)
    (local $p i32) (local $q i32) (local $j i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $x v128) (local $gs v128) (local $thr v128) (local $bws v128) (local $w v128)
    (if (i32.ge_u (local.get $row) (local.get $end)) (then (return)))
    ;; Rows come in tiles of four (see "Layout"): the tile of `row` starts at vec + row × rb.
    (local.set $p (i32.add (local.get $vec) (i32.mul (local.get $row) (local.get $rb))))
    (local.set $gs (f32x4.splat (local.get $g)))
    (local.set $bws (f32x4.splat (global.get $biasWeight)))
    (local.set $thr (f32x4.splat (f32.load offset=8 (local.get $h))))
    (loop $rows
      (local.set $a0 (v128.const i32x4 0 0 0 0))
      (local.set $a1 (v128.const i32x4 0 0 0 0))
      (local.set $a2 (v128.const i32x4 0 0 0 0))
      (local.set $a3 (v128.const i32x4 0 0 0 0))
      (local.set $j (i32.const 0))
      (loop $cols
        ;; 32 bytes of each of the four rows: 128 consecutive bytes.
        (local.set $q (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $w (v128.load (i32.add (local.get $u) (local.get $j))))
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load offset=0 (local.get $q)) (local.get $w))))
        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=32 (local.get $q)) (local.get $w))))
        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=64 (local.get $q)) (local.get $w))))
        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=96 (local.get $q)) (local.get $w))))
        (local.set $w (v128.load offset=16 (i32.add (local.get $u) (local.get $j))))
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $w))))
        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=48 (local.get $q)) (local.get $w))))
        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=80 (local.get $q)) (local.get $w))))
        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=112 (local.get $q)) (local.get $w))))
        (local.set $j (i32.add (local.get $j) (i32.const 32)))
        (br_if $cols (i32.lt_u (local.get $j) (local.get $rb))))
      ;; Transpose-and-add: x = [Σa0, Σa1, Σa2, Σa3], each lane sum as (l0 + l2) + (l1 + l3).
      (local.set $a0 (f32x4.add
        (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a0) (local.get $a1))
        (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a0) (local.get $a1))))
      (local.set $a2 (f32x4.add
        (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a2) (local.get $a3))
        (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a2) (local.get $a3))))
      (local.set $x (f32x4.add
        (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a0) (local.get $a2))
        (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a0) (local.get $a2))))
      (local.set $x (f32x4.add
        (f32x4.mul (f32x4.mul (local.get $x) (local.get $gs)) (v128.load (i32.add (local.get $scale) (i32.shl (local.get $row) (i32.const 2)))))
        (f32x4.mul (v128.load (i32.add (local.get $bias) (i32.shl (local.get $row) (i32.const 2)))) (local.get $bws))))
      (if (v128.any_true (f32x4.gt (local.get $x) (local.get $thr)))
        (then (local.set $thr (f32x4.splat (call $offer4 (local.get $x) (local.get $row) (local.get $h))))))
      (local.set $p (i32.add (local.get $p) (i32.shl (local.get $rb) (i32.const 2))))
      (local.set $row (i32.add (local.get $row) (i32.const 4)))
      (br_if $rows (i32.lt_u (local.get $row) (local.get $end)))))

  (func $dot_f32 (param $p i32) (param $rb i32) (param $u i32) (result f32)
    (local $j i32) (local $q i32) (local $a v128)
    (loop $cols
      (local.set $q (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $a (f32x4.add (local.get $a) (f32x4.mul (v128.load (local.get $q)) (v128.load (i32.add (local.get $u) (local.get $j))))))
      (local.set $a (f32x4.add (local.get $a) (f32x4.mul (v128.load offset=16 (local.get $q)) (v128.load offset=16 (i32.add (local.get $u) (local.get $j))))))
      (local.set $j (i32.add (local.get $j) (i32.const 32)))
      (br_if $cols (i32.lt_u (local.get $j) (local.get $rb))))
    (call $hsum (local.get $a)))

  ;; (l0 + l2) + (l1 + l3): the order the four-row reduction uses.
  (func $hsum (param $a v128) (result f32)
    (local.set $a (f32x4.add (local.get $a)
      (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $a) (local.get $a))))
    (f32.add (f32x4.extract_lane 0 (local.get $a)) (f32x4.extract_lane 1 (local.get $a))))

  ;; ---- float16 ---------------------------------------------------------------------------
  (func (export "scan_f16")
    (param $row i32) (param $end i32) (param $vec i32) (param $rb i32) (param $u i32)
    (param $g f32) (param $scale i32) (param $bias i32) (param $h i32)
    (local $p i32) (local $q i32) (local $j i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $x v128) (local $gs v128) (local $thr v128) (local $bws v128) (local $uj i32) (local $w0 v128) (local $w1 v128) (local $m v128)
    (if (i32.ge_u (local.get $row) (local.get $end)) (then (return)))
    ;; Rows come in tiles of four (see "Layout"): the tile of `row` starts at vec + row × rb.
    (local.set $p (i32.add (local.get $vec) (i32.mul (local.get $row) (local.get $rb))))
    (local.set $gs (f32x4.splat (local.get $g)))
    (local.set $bws (f32x4.splat (global.get $biasWeight)))
    (local.set $thr (f32x4.splat (f32.load offset=8 (local.get $h))))
    (local.set $m (v128.const i32x4 0x8fffe000 0x8fffe000 0x8fffe000 0x8fffe000))
    (loop $rows
      (local.set $a0 (v128.const i32x4 0 0 0 0))
      (local.set $a1 (v128.const i32x4 0 0 0 0))
      (local.set $a2 (v128.const i32x4 0 0 0 0))
      (local.set $a3 (v128.const i32x4 0 0 0 0))
      (local.set $j (i32.const 0))
      (loop $cols
        ;; 32 bytes of each of the four rows, the first 16 bytes of each first; the query has 64
        ;; bytes for them.
        (local.set $q (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $uj (i32.add (local.get $u) (i32.shl (local.get $j) (i32.const 1))))
        (local.set $w0 (v128.load (local.get $uj)))
        (local.set $w1 (v128.load offset=16 (local.get $uj)))
        (local.set $x (v128.load offset=0 (local.get $q)))
        (local.set $a0 (f32x4.add (f32x4.add (local.get $a0)
          (f32x4.mul (v128.and (i32x4.shl (i32x4.extend_low_i16x8_s (local.get $x)) (i32.const 13)) (local.get $m)) (local.get $w0)))
          (f32x4.mul (v128.and (i32x4.shl (i32x4.extend_high_i16x8_s (local.get $x)) (i32.const 13)) (local.get $m)) (local.get $w1))))
        (local.set $x (v128.load offset=32 (local.get $q)))
        (local.set $a1 (f32x4.add (f32x4.add (local.get $a1)
          (f32x4.mul (v128.and (i32x4.shl (i32x4.extend_low_i16x8_s (local.get $x)) (i32.const 13)) (local.get $m)) (local.get $w0)))
          (f32x4.mul (v128.and (i32x4.shl (i32x4.extend_high_i16x8_s (local.get $x)) (i32.const 13)) (local.get $m)) (local.get $w1))))
        (local.set $x (v128.load offset=64 (local.get $q)))
        (local.set $a2 (f32x4.add (f32x4.add (local.get $a2)
          (f32x4.mul (v128.and (i32x4.shl (i32x4.extend_low_i16x8_s (local.get $x)) (i32.const 13)) (local.get $m)) (local.get $w0)))
          (f32x4.mul (v128.and (i32x4.shl (i32x4.extend_high_i16x8_s (local.get $x)) (i32.const 13)) (local.get $m)) (local.get $w1))))
        (local.set $x (v128.load offset=96 (local.get $q)))
        (local.set $a3 (f32x4.add (f32x4.add (local.get $a3)
          (f32x4.mul (v128.and (i32x4.shl (i32x4.extend_low_i16x8_s (local.get $x)) (i32.const 13)) (local.get $m)) (local.get $w0)))
          (f32x4.mul (v128.and (i32x4.shl (i32x4.extend_high_i16x8_s (local.get $x)) (i32.const 13)) (local.get $m)) (local.get $w1))))
        ;; Then the second 16 bytes of each row: two query vectors live at a time (registers).
        (local.set $w0 (v128.load offset=32 (local.get $uj)))
        (local.set $w1 (v128.load offset=48 (local.get $uj)))
        (local.set $x (v128.load offset=16 (local.get $q)))
        (local.set $a0 (f32x4.add (f32x4.add (local.get $a0)
          (f32x4.mul (v128.and (i32x4.shl (i32x4.extend_low_i16x8_s (local.get $x)) (i32.const 13)) (local.get $m)) (local.get $w0)))
          (f32x4.mul (v128.and (i32x4.shl (i32x4.extend_high_i16x8_s (local.get $x)) (i32.const 13)) (local.get $m)) (local.get $w1))))
        (local.set $x (v128.load offset=48 (local.get $q)))
        (local.set $a1 (f32x4.add (f32x4.add (local.get $a1)
          (f32x4.mul (v128.and (i32x4.shl (i32x4.extend_low_i16x8_s (local.get $x)) (i32.const 13)) (local.get $m)) (local.get $w0)))
          (f32x4.mul (v128.and (i32x4.shl (i32x4.extend_high_i16x8_s (local.get $x)) (i32.const 13)) (local.get $m)) (local.get $w1))))
        (local.set $x (v128.load offset=80 (local.get $q)))
        (local.set $a2 (f32x4.add (f32x4.add (local.get $a2)
          (f32x4.mul (v128.and (i32x4.shl (i32x4.extend_low_i16x8_s (local.get $x)) (i32.const 13)) (local.get $m)) (local.get $w0)))
          (f32x4.mul (v128.and (i32x4.shl (i32x4.extend_high_i16x8_s (local.get $x)) (i32.const 13)) (local.get $m)) (local.get $w1))))
        (local.set $x (v128.load offset=112 (local.get $q)))
        (local.set $a3 (f32x4.add (f32x4.add (local.get $a3)
          (f32x4.mul (v128.and (i32x4.shl (i32x4.extend_low_i16x8_s (local.get $x)) (i32.const 13)) (local.get $m)) (local.get $w0)))
          (f32x4.mul (v128.and (i32x4.shl (i32x4.extend_high_i16x8_s (local.get $x)) (i32.const 13)) (local.get $m)) (local.get $w1))))
                (local.set $j (i32.add (local.get $j) (i32.const 32)))
        (br_if $cols (i32.lt_u (local.get $j) (local.get $rb))))
      ;; Transpose-and-add: x = [Σa0, Σa1, Σa2, Σa3], each lane sum as (l0 + l2) + (l1 + l3).
      (local.set $a0 (f32x4.add
        (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a0) (local.get $a1))
        (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a0) (local.get $a1))))
      (local.set $a2 (f32x4.add
        (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a2) (local.get $a3))
        (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a2) (local.get $a3))))
      (local.set $x (f32x4.add
        (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a0) (local.get $a2))
        (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a0) (local.get $a2))))
      (local.set $x (f32x4.add
        (f32x4.mul (f32x4.mul (local.get $x) (local.get $gs)) (v128.load (i32.add (local.get $scale) (i32.shl (local.get $row) (i32.const 2)))))
        (f32x4.mul (v128.load (i32.add (local.get $bias) (i32.shl (local.get $row) (i32.const 2)))) (local.get $bws))))
      (if (v128.any_true (f32x4.gt (local.get $x) (local.get $thr)))
        (then (local.set $thr (f32x4.splat (call $offer4 (local.get $x) (local.get $row) (local.get $h))))))
      (local.set $p (i32.add (local.get $p) (i32.shl (local.get $rb) (i32.const 2))))
      (local.set $row (i32.add (local.get $row) (i32.const 4)))
      (br_if $rows (i32.lt_u (local.get $row) (local.get $end)))))

  (func $dot_f16 (param $p i32) (param $rb i32) (param $u i32) (result f32)
    (local $j i32) (local $q i32) (local $uj i32) (local $a v128) (local $x v128) (local $m v128)
    (local.set $m (v128.const i32x4 0x8fffe000 0x8fffe000 0x8fffe000 0x8fffe000))
    (loop $cols
      (local.set $q (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $uj (i32.add (local.get $u) (i32.shl (local.get $j) (i32.const 1))))
      (local.set $x (v128.load offset=0 (local.get $q)))
      (local.set $a (f32x4.add (f32x4.add (local.get $a)
        (f32x4.mul (v128.and (i32x4.shl (i32x4.extend_low_i16x8_s (local.get $x)) (i32.const 13)) (local.get $m)) (v128.load offset=0 (local.get $uj))))
        (f32x4.mul (v128.and (i32x4.shl (i32x4.extend_high_i16x8_s (local.get $x)) (i32.const 13)) (local.get $m)) (v128.load offset=16 (local.get $uj)))))
      (local.set $x (v128.load offset=16 (local.get $q)))
      (local.set $a (f32x4.add (f32x4.add (local.get $a)
        (f32x4.mul (v128.and (i32x4.shl (i32x4.extend_low_i16x8_s (local.get $x)) (i32.const 13)) (local.get $m)) (v128.load offset=32 (local.get $uj))))
        (f32x4.mul (v128.and (i32x4.shl (i32x4.extend_high_i16x8_s (local.get $x)) (i32.const 13)) (local.get $m)) (v128.load offset=48 (local.get $uj)))))
      (local.set $j (i32.add (local.get $j) (i32.const 32)))
      (br_if $cols (i32.lt_u (local.get $j) (local.get $rb))))
    (call $hsum (local.get $a)))

  ;; Batches: a block of halves widened once into float32 scratch, in the very form scan_f16 makes
  ;; in registers (v × 2^-112) and in float32 tiles, so scan_f32 over the scratch with the same
  ;; query gives the same bits as scan_f16, and the widening is paid once per block, not per query.
  ;; The 16 bytes at o (tile unit o >> 7, row slot (o >> 5) & 3, half (o >> 4) & 1) become the
  ;; 32-byte slot of that row in float32 unit 2 × (o >> 7) + half.
  (func (export "widen_f16") (param $src i32) (param $dst i32) (param $bytes i32)
    (local $o i32) (local $x v128) (local $m v128) (local $d i32)
    (if (i32.eqz (local.get $bytes)) (then (return)))
    (local.set $m (v128.const i32x4 0x8fffe000 0x8fffe000 0x8fffe000 0x8fffe000))
    (loop $pieces
      (local.set $x (v128.load (i32.add (local.get $src) (local.get $o))))
      (local.set $d (i32.add (local.get $dst)
        (i32.or
          (i32.or
            (i32.shl (i32.shr_u (local.get $o) (i32.const 7)) (i32.const 8))
            (i32.shl (i32.and (i32.shr_u (local.get $o) (i32.const 4)) (i32.const 1)) (i32.const 7)))
          (i32.shl (i32.and (i32.shr_u (local.get $o) (i32.const 5)) (i32.const 3)) (i32.const 5)))))
      (v128.store (local.get $d) (v128.and (i32x4.shl (i32x4.extend_low_i16x8_s (local.get $x)) (i32.const 13)) (local.get $m)))
      (v128.store offset=16 (local.get $d) (v128.and (i32x4.shl (i32x4.extend_high_i16x8_s (local.get $x)) (i32.const 13)) (local.get $m)))
      (local.set $o (i32.add (local.get $o) (i32.const 16)))
      (br_if $pieces (i32.lt_u (local.get $o) (local.get $bytes)))))

  ;; ---- int8 ------------------------------------------------------------------------------
  ;; i8 → i16 (sign-extend) and i32x4.dot_i16x8_s against the int16 query: exact integer sums
  ;; (the caller bounds |u| so that d × 127 × max|u| < 2^31).
  (func (export "scan_i8")
    (param $row i32) (param $end i32) (param $vec i32) (param $rb i32) (param $u i32)
    (param $g f32) (param $scale i32) (param $bias i32) (param $h i32)
    (local $p i32) (local $q i32) (local $j i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $x v128) (local $gs v128) (local $thr v128) (local $bws v128) (local $uj i32) (local $w0 v128) (local $w1 v128)
    (if (i32.ge_u (local.get $row) (local.get $end)) (then (return)))
    ;; Rows come in tiles of four (see "Layout"): the tile of `row` starts at vec + row × rb.
    (local.set $p (i32.add (local.get $vec) (i32.mul (local.get $row) (local.get $rb))))
    (local.set $gs (f32x4.splat (local.get $g)))
    (local.set $bws (f32x4.splat (global.get $biasWeight)))
    (local.set $thr (f32x4.splat (f32.load offset=8 (local.get $h))))
    (loop $rows
      (local.set $a0 (v128.const i32x4 0 0 0 0))
      (local.set $a1 (v128.const i32x4 0 0 0 0))
      (local.set $a2 (v128.const i32x4 0 0 0 0))
      (local.set $a3 (v128.const i32x4 0 0 0 0))
      (local.set $j (i32.const 0))
      (loop $cols
        ;; 32 bytes of each of the four rows, the first 16 bytes of each first; the query has 64
        ;; bytes for them.
        (local.set $q (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $uj (i32.add (local.get $u) (i32.shl (local.get $j) (i32.const 1))))
        (local.set $w0 (v128.load (local.get $uj)))
        (local.set $w1 (v128.load offset=16 (local.get $uj)))
        (local.set $x (v128.load offset=0 (local.get $q)))
        (local.set $a0 (i32x4.add (i32x4.add (local.get $a0)
          (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $x)) (local.get $w0)))
          (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $x)) (local.get $w1))))
        (local.set $x (v128.load offset=32 (local.get $q)))
        (local.set $a1 (i32x4.add (i32x4.add (local.get $a1)
          (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $x)) (local.get $w0)))
          (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $x)) (local.get $w1))))
        (local.set $x (v128.load offset=64 (local.get $q)))
        (local.set $a2 (i32x4.add (i32x4.add (local.get $a2)
          (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $x)) (local.get $w0)))
          (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $x)) (local.get $w1))))
        (local.set $x (v128.load offset=96 (local.get $q)))
        (local.set $a3 (i32x4.add (i32x4.add (local.get $a3)
          (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $x)) (local.get $w0)))
          (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $x)) (local.get $w1))))
        ;; Then the second 16 bytes of each row: two query vectors live at a time (registers).
        (local.set $w0 (v128.load offset=32 (local.get $uj)))
        (local.set $w1 (v128.load offset=48 (local.get $uj)))
        (local.set $x (v128.load offset=16 (local.get $q)))
        (local.set $a0 (i32x4.add (i32x4.add (local.get $a0)
          (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $x)) (local.get $w0)))
          (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $x)) (local.get $w1))))
        (local.set $x (v128.load offset=48 (local.get $q)))
        (local.set $a1 (i32x4.add (i32x4.add (local.get $a1)
          (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $x)) (local.get $w0)))
          (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $x)) (local.get $w1))))
        (local.set $x (v128.load offset=80 (local.get $q)))
        (local.set $a2 (i32x4.add (i32x4.add (local.get $a2)
          (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $x)) (local.get $w0)))
          (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $x)) (local.get $w1))))
        (local.set $x (v128.load offset=112 (local.get $q)))
        (local.set $a3 (i32x4.add (i32x4.add (local.get $a3)
          (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $x)) (local.get $w0)))
          (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $x)) (local.get $w1))))
                (local.set $j (i32.add (local.get $j) (i32.const 32)))
        (br_if $cols (i32.lt_u (local.get $j) (local.get $rb))))
      ;; Transpose-and-add: x = [Σa0, Σa1, Σa2, Σa3], each lane sum as (l0 + l2) + (l1 + l3).
      (local.set $a0 (i32x4.add
        (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a0) (local.get $a1))
        (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a0) (local.get $a1))))
      (local.set $a2 (i32x4.add
        (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a2) (local.get $a3))
        (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a2) (local.get $a3))))
      (local.set $x (f32x4.convert_i32x4_s (i32x4.add
        (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a0) (local.get $a2))
        (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a0) (local.get $a2)))))
      (local.set $x (f32x4.add
        (f32x4.mul (f32x4.mul (local.get $x) (local.get $gs)) (v128.load (i32.add (local.get $scale) (i32.shl (local.get $row) (i32.const 2)))))
        (f32x4.mul (v128.load (i32.add (local.get $bias) (i32.shl (local.get $row) (i32.const 2)))) (local.get $bws))))
      (if (v128.any_true (f32x4.gt (local.get $x) (local.get $thr)))
        (then (local.set $thr (f32x4.splat (call $offer4 (local.get $x) (local.get $row) (local.get $h))))))
      (local.set $p (i32.add (local.get $p) (i32.shl (local.get $rb) (i32.const 2))))
      (local.set $row (i32.add (local.get $row) (i32.const 4)))
      (br_if $rows (i32.lt_u (local.get $row) (local.get $end)))))

  (func $dot_i8 (param $p i32) (param $rb i32) (param $u i32) (result f32)
    (local $j i32) (local $q i32) (local $uj i32) (local $a v128) (local $x v128)
    (loop $cols
      (local.set $q (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $uj (i32.add (local.get $u) (i32.shl (local.get $j) (i32.const 1))))
      (local.set $x (v128.load offset=0 (local.get $q)))
      (local.set $a (i32x4.add (i32x4.add (local.get $a)
        (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $x)) (v128.load offset=0 (local.get $uj))))
        (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $x)) (v128.load offset=16 (local.get $uj)))))
      (local.set $x (v128.load offset=16 (local.get $q)))
      (local.set $a (i32x4.add (i32x4.add (local.get $a)
        (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $x)) (v128.load offset=32 (local.get $uj))))
        (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $x)) (v128.load offset=48 (local.get $uj)))))
      (local.set $j (i32.add (local.get $j) (i32.const 32)))
      (br_if $cols (i32.lt_u (local.get $j) (local.get $rb))))
    (local.set $a (i32x4.add (local.get $a)
      (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $a) (local.get $a))))
    (f32.convert_i32_s (i32.add (i32x4.extract_lane 0 (local.get $a)) (i32x4.extract_lane 1 (local.get $a)))))

  ;; ---- pq4 (product quantisation, 4-bit codes: "fast scan") ------------------------------
  ;; Rows in blocks of 32: block b (rows 32b … 32b + 31) is `rb` = 16 × M bytes at vec + b × rb,
  ;; 16 bytes per sub-space j; byte t holds row (t >> 1) + 8 × (t & 1) in its low nibble and
  ;; that row + 16 in its high nibble (the order that makes the u16 sums below come out in row
  ;; order). The query is M lookup tables of 16 u8 at u (entry c of table j: the query's product
  ;; with centroid c of sub-space j, quantised on one step g for all tables, less the table's
  ;; minimum), then f32 `off` (Σ minima / g) at u + rb, then 64 bytes of scratch. One swizzle
  ;; looks up 16 rows' codes in a table held in a register.
  ;;   score_i = ((Σ_j table_j[code_ij] + off) × g) × scale_i + bias_i × w
  ;; Sums are u16 (the caller keeps M × max entry < 2^16). Each lookup's 16 bytes are added as
  ;; eight u16 lanes (low byte: even byte t, high byte: odd t) and, shifted right by 8, as the odd
  ;; bytes alone: two adds instead of four widenings; the even sums are recovered at the end.
  (func (export "scan_pq4")
    (param $row i32) (param $end i32) (param $vec i32) (param $rb i32) (param $u i32)
    (param $g f32) (param $scale i32) (param $bias i32) (param $h i32)
    (local $p i32) (local $j i32) (local $s i32) (local $k i32) (local $r i32) (local $q i32) (local $w i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $c v128) (local $t v128) (local $x v128) (local $y v128) (local $m v128)
    (local $gs v128) (local $thr v128) (local $bws v128) (local $off v128)
    (if (i32.ge_u (local.get $row) (local.get $end)) (then (return)))
    (local.set $p (i32.add (local.get $vec) (i32.mul (i32.shr_u (local.get $row) (i32.const 5)) (local.get $rb))))
    (local.set $s (i32.add (i32.add (local.get $u) (local.get $rb)) (i32.const 16)))
    (local.set $m (i8x16.splat (i32.const 15)))
    (local.set $gs (f32x4.splat (local.get $g)))
    (local.set $bws (f32x4.splat (global.get $biasWeight)))
    (local.set $off (f32x4.splat (f32.load (i32.add (local.get $u) (local.get $rb)))))
    (local.set $thr (f32x4.splat (f32.load offset=8 (local.get $h))))
    (loop $blocks
      (local.set $a0 (v128.const i32x4 0 0 0 0))
      (local.set $a1 (v128.const i32x4 0 0 0 0))
      (local.set $a2 (v128.const i32x4 0 0 0 0))
      (local.set $a3 (v128.const i32x4 0 0 0 0))
      (local.set $j (i32.const 0))
      ;; An odd M: its last sub-space first, then pairs (two per iteration: less loop overhead).
      (if (i32.and (local.get $rb) (i32.const 16))
        (then
          (local.set $c (v128.load (local.get $p)))
          (local.set $t (v128.load (local.get $u)))
          (local.set $x (i8x16.swizzle (local.get $t) (v128.and (local.get $c) (local.get $m))))
          (local.set $y (i8x16.swizzle (local.get $t) (v128.and (i16x8.shr_u (local.get $c) (i32.const 4)) (local.get $m))))
          (local.set $a0 (local.get $x))
          (local.set $a1 (i16x8.shr_u (local.get $x) (i32.const 8)))
          (local.set $a2 (local.get $y))
          (local.set $a3 (i16x8.shr_u (local.get $y) (i32.const 8)))
          (local.set $j (i32.const 16))))
      (block $done
        (loop $subspaces
          (br_if $done (i32.ge_u (local.get $j) (local.get $rb)))
          (local.set $q (i32.add (local.get $p) (local.get $j)))
          (local.set $w (i32.add (local.get $u) (local.get $j)))
          (local.set $c (v128.load (local.get $q)))
          (local.set $t (v128.load (local.get $w)))
          (local.set $x (i8x16.swizzle (local.get $t) (v128.and (local.get $c) (local.get $m))))
          (local.set $y (i8x16.swizzle (local.get $t) (v128.and (i16x8.shr_u (local.get $c) (i32.const 4)) (local.get $m))))
          (local.set $a0 (i16x8.add (local.get $a0) (local.get $x)))
          (local.set $a1 (i16x8.add (local.get $a1) (i16x8.shr_u (local.get $x) (i32.const 8))))
          (local.set $a2 (i16x8.add (local.get $a2) (local.get $y)))
          (local.set $a3 (i16x8.add (local.get $a3) (i16x8.shr_u (local.get $y) (i32.const 8))))
          (local.set $c (v128.load offset=16 (local.get $q)))
          (local.set $t (v128.load offset=16 (local.get $w)))
          (local.set $x (i8x16.swizzle (local.get $t) (v128.and (local.get $c) (local.get $m))))
          (local.set $y (i8x16.swizzle (local.get $t) (v128.and (i16x8.shr_u (local.get $c) (i32.const 4)) (local.get $m))))
          (local.set $a0 (i16x8.add (local.get $a0) (local.get $x)))
          (local.set $a1 (i16x8.add (local.get $a1) (i16x8.shr_u (local.get $x) (i32.const 8))))
          (local.set $a2 (i16x8.add (local.get $a2) (local.get $y)))
          (local.set $a3 (i16x8.add (local.get $a3) (i16x8.shr_u (local.get $y) (i32.const 8))))
          (local.set $j (i32.add (local.get $j) (i32.const 32)))
          (br $subspaces)))
      ;; Even bytes: a0 − 256 × a1 (mod 2^16, exact as the true sum is below 2^16). Stored in row
      ;; order: rows 0–7, 8–15, 16–23, 24–31 of the block.
      (v128.store offset=0 (local.get $s) (i16x8.sub (local.get $a0) (i16x8.shl (local.get $a1) (i32.const 8))))
      (v128.store offset=16 (local.get $s) (local.get $a1))
      (v128.store offset=32 (local.get $s) (i16x8.sub (local.get $a2) (i16x8.shl (local.get $a3) (i32.const 8))))
      (v128.store offset=48 (local.get $s) (local.get $a3))
      (local.set $k (i32.const 0))
      (loop $fours
        (local.set $r (i32.add (local.get $row) (i32.shl (local.get $k) (i32.const 2))))
        (local.set $x (f32x4.add
          (f32x4.mul
            (f32x4.mul
              (f32x4.add (f32x4.convert_i32x4_u (v128.load16x4_u (i32.add (local.get $s) (i32.shl (local.get $k) (i32.const 3))))) (local.get $off))
              (local.get $gs))
            (v128.load (i32.add (local.get $scale) (i32.shl (local.get $r) (i32.const 2)))))
          (f32x4.mul (v128.load (i32.add (local.get $bias) (i32.shl (local.get $r) (i32.const 2)))) (local.get $bws))))
        (if (v128.any_true (f32x4.gt (local.get $x) (local.get $thr)))
          (then (local.set $thr (f32x4.splat (call $offer4 (local.get $x) (local.get $r) (local.get $h))))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $fours (i32.lt_u (local.get $k) (i32.const 8))))
      (local.set $p (i32.add (local.get $p) (local.get $rb)))
      (local.set $row (i32.add (local.get $row) (i32.const 32)))
      (br_if $blocks (i32.lt_u (local.get $row) (local.get $end)))))

  ;; One row of a pq4 block, as scan_pq4 sums it: Σ_j table_j[code_rj] + off.
  (func $dot_pq4 (param $r i32) (param $vec i32) (param $rb i32) (param $u i32) (result f32)
    (local $p i32) (local $j i32) (local $i i32) (local $hi i32) (local $sum i32) (local $code i32)
    (local.set $i (i32.and (local.get $r) (i32.const 31)))
    (local.set $hi (i32.shr_u (i32.and (local.get $i) (i32.const 16)) (i32.const 2)))  ;; 4 for the high nibble
    (local.set $p (i32.add
      (i32.add (local.get $vec) (i32.mul (i32.shr_u (local.get $r) (i32.const 5)) (local.get $rb)))
      (i32.or (i32.shl (i32.and (local.get $i) (i32.const 7)) (i32.const 1)) (i32.and (i32.shr_u (local.get $i) (i32.const 3)) (i32.const 1)))))
    (loop $subspaces
      (local.set $code (i32.and (i32.shr_u (i32.load8_u (i32.add (local.get $p) (local.get $j))) (local.get $hi)) (i32.const 15)))
      (local.set $sum (i32.add (local.get $sum) (i32.load8_u (i32.add (i32.add (local.get $u) (local.get $j)) (local.get $code)))))
      (local.set $j (i32.add (local.get $j) (i32.const 16)))
      (br_if $subspaces (i32.lt_u (local.get $j) (local.get $rb))))
    (f32.add (f32.convert_i32_u (local.get $sum)) (f32.load (i32.add (local.get $u) (local.get $rb)))))

  ;; ---- chosen rows -----------------------------------------------------------------------
  ;; out[i] = ((u · v_rows[i]) × g) × scale[rows[i]] + bias[rows[i]] × w, the scan's arithmetic,
  ;; so a row scores the same here as in a scan. kind: 0 f32, 1 f16, 2 i8, 3 pq4.
  (func (export "score_rows")
    (param $kind i32) (param $rows i32) (param $count i32) (param $vec i32) (param $rb i32) (param $u i32)
    (param $g f32) (param $scale i32) (param $bias i32) (param $out i32)
    (local $i i32) (local $r i32) (local $p i32) (local $d f32)
    (if (i32.eqz (local.get $count)) (then (return)))
    (loop $each
      (local.set $r (i32.load (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2)))))
      ;; Row r: its tile (vec + (r & ~3) × rb), then its 32-byte slot in each 128-byte unit.
      (local.set $p (i32.add
        (i32.add (local.get $vec) (i32.mul (i32.and (local.get $r) (i32.const -4)) (local.get $rb)))
        (i32.shl (i32.and (local.get $r) (i32.const 3)) (i32.const 5))))
      (local.set $d
        (if (result f32) (i32.eq (local.get $kind) (i32.const 3))
          (then (call $dot_pq4 (local.get $r) (local.get $vec) (local.get $rb) (local.get $u)))
          (else
        (if (result f32) (i32.eqz (local.get $kind))
          (then (call $dot_f32 (local.get $p) (local.get $rb) (local.get $u)))
          (else
            (if (result f32) (i32.eq (local.get $kind) (i32.const 1))
              (then (call $dot_f16 (local.get $p) (local.get $rb) (local.get $u)))
              (else (call $dot_i8 (local.get $p) (local.get $rb) (local.get $u)))))))))
      (f32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
        (f32.add
          (f32.mul (f32.mul (local.get $d) (local.get $g)) (f32.load (i32.add (local.get $scale) (i32.shl (local.get $r) (i32.const 2)))))
          (f32.mul (f32.load (i32.add (local.get $bias) (i32.shl (local.get $r) (i32.const 2)))) (global.get $biasWeight))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $each (i32.lt_u (local.get $i) (local.get $count)))))
)
