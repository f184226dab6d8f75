;; Vitrine id index builder: one pass over a catalog's ids (UTF-8, joined by NUL) that records
;; where each id starts, its FNV-1a hash, and its row in an open-addressing table (linear
;; probing), finding empty and duplicate ids on the way. id-index.ts does the same in JavaScript
;; where WebAssembly is not allowed, and all lookups; this runs the 100k-id build at machine speed
;; in a fresh worker, where the same JavaScript loop runs cold (≈ 24 ms there, profiled).
;;
;; Rebuild id-index-wasm.ts after editing: node scripts/build-wasm.mjs
(module
  (import "env" "memory" (memory 1))
  (global $errorRow (mut i32) (i32.const 0))

  (func (export "error_row") (result i32) (global.get $errorRow))

  ;; Whether ids a and b (rows; their bytes are starts[r] … starts[r + 1] − 2) are equal.
  (func $same (param $starts i32) (param $a i32) (param $b i32) (result i32)
    (local $pa i32) (local $pb i32) (local $la i32) (local $k i32)
    (local.set $pa (i32.load (i32.add (local.get $starts) (i32.shl (local.get $a) (i32.const 2)))))
    (local.set $pb (i32.load (i32.add (local.get $starts) (i32.shl (local.get $b) (i32.const 2)))))
    (local.set $la (i32.sub (i32.load (i32.add (local.get $starts) (i32.shl (i32.add (local.get $a) (i32.const 1)) (i32.const 2)))) (local.get $pa)))
    (if (i32.ne (local.get $la)
          (i32.sub (i32.load (i32.add (local.get $starts) (i32.shl (i32.add (local.get $b) (i32.const 1)) (i32.const 2)))) (local.get $pb)))
      (then (return (i32.const 0))))
    (local.set $la (i32.sub (local.get $la) (i32.const 1)))
    (block $equal
      (loop $bytes
        (br_if $equal (i32.ge_u (local.get $k) (local.get $la)))
        (if (i32.ne (i32.load8_u (i32.add (local.get $pa) (local.get $k))) (i32.load8_u (i32.add (local.get $pb) (local.get $k))))
          (then (return (i32.const 0))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $bytes)))
    (i32.const 1))

  ;; Ids: `len` bytes at 0. Writes starts (u32 × (n + 1)) at $starts, hashes (u32 × n) at $hashes,
  ;; rows into the table at $slots (i32 × (mask + 1), filled with −1 by the caller). Returns 0;
  ;; or 1: row error_row() is empty; 2: row error_row() repeats an earlier id; 3: error_row()
  ;; ids, not n.
  (func (export "build") (param $len i32) (param $n i32) (param $starts i32) (param $hashes i32) (param $slots i32) (param $mask i32) (result i32)
    (local $i i32) (local $start i32) (local $row i32) (local $h i32) (local $c i32) (local $slot i32) (local $at i32) (local $taken i32)
    (local.set $h (i32.const 0x811c9dc5))
    (i32.store (local.get $starts) (i32.const 0))
    (block $done
      (loop $scan
        (local.set $c (i32.const 0))
        (if (i32.lt_u (local.get $i) (local.get $len)) (then (local.set $c (i32.load8_u (local.get $i)))))
        (if (local.get $c)
          (then (local.set $h (i32.mul (i32.xor (local.get $h) (local.get $c)) (i32.const 0x01000193))))
          (else
            (if (i32.eq (local.get $i) (local.get $start)) (then (global.set $errorRow (local.get $row)) (return (i32.const 1))))
            (if (i32.ge_u (local.get $row) (local.get $n)) (then (global.set $errorRow (i32.add (local.get $row) (i32.const 1))) (return (i32.const 3))))
            (i32.store (i32.add (local.get $starts) (i32.shl (i32.add (local.get $row) (i32.const 1)) (i32.const 2))) (i32.add (local.get $i) (i32.const 1)))
            (i32.store (i32.add (local.get $hashes) (i32.shl (local.get $row) (i32.const 2))) (local.get $h))
            (local.set $slot (i32.and (local.get $h) (local.get $mask)))
            (block $placed
              (loop $probe
                (local.set $at (i32.add (local.get $slots) (i32.shl (local.get $slot) (i32.const 2))))
                (local.set $taken (i32.load (local.get $at)))
                (if (i32.lt_s (local.get $taken) (i32.const 0))
                  (then (i32.store (local.get $at) (local.get $row)) (br $placed)))
                (if (i32.eq (i32.load (i32.add (local.get $hashes) (i32.shl (local.get $taken) (i32.const 2)))) (local.get $h))
                  (then (if (call $same (local.get $starts) (local.get $taken) (local.get $row))
                    (then (global.set $errorRow (local.get $row)) (return (i32.const 2))))))
                (local.set $slot (i32.and (i32.add (local.get $slot) (i32.const 1)) (local.get $mask)))
                (br $probe)))
            (local.set $row (i32.add (local.get $row) (i32.const 1)))
            (local.set $start (i32.add (local.get $i) (i32.const 1)))
            (local.set $h (i32.const 0x811c9dc5))
            (br_if $done (i32.ge_u (local.get $i) (local.get $len)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $scan)))
    (if (i32.ne (local.get $row) (local.get $n)) (then (global.set $errorRow (local.get $row)) (return (i32.const 3))))
    (i32.const 0))
)
