;; The record memory's scan (vector-arena.ts): the dot products of one query with a run of vectors
;; stored side by side, four lanes at a time. Assembled into dot-products-wasm.ts by
;; `npx tsx scripts/build-dot-products.ts`; test/store/vector-arena.test.ts checks the two agree.
(module
  (import "arena" "memory" (memory 1))
  ;; out[i] = query · vectors[i] for i < count; every address is a byte offset into the memory,
  ;; the vectors follow each other with no gap, `dims` floats each.
  (func (export "dots")
    (param $query i32) (param $vectors i32) (param $count i32) (param $dims i32) (param $out i32)
    (local $i i32) (local $d i32) (local $eights i32) (local $q i32) (local $v i32)
    (local $sum0 v128) (local $sum1 v128) (local $dot f32)
    ;; The dimensions covered eight at a time (two four-lane sums), the rest one by one.
    (local.set $eights (i32.and (local.get $dims) (i32.const -8)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $sum0 (v128.const f32x4 0 0 0 0))
        (local.set $sum1 (v128.const f32x4 0 0 0 0))
        (local.set $d (i32.const 0))
        (block $lanes_done
          (loop $lanes
            (br_if $lanes_done (i32.ge_u (local.get $d) (local.get $eights)))
            (local.set $q (i32.add (local.get $query) (i32.shl (local.get $d) (i32.const 2))))
            (local.set $v (i32.add (local.get $vectors) (i32.shl (local.get $d) (i32.const 2))))
            (local.set $sum0 (f32x4.add (local.get $sum0)
              (f32x4.mul (v128.load (local.get $q)) (v128.load (local.get $v)))))
            (local.set $sum1 (f32x4.add (local.get $sum1)
              (f32x4.mul (v128.load offset=16 (local.get $q)) (v128.load offset=16 (local.get $v)))))
            (local.set $d (i32.add (local.get $d) (i32.const 8)))
            (br $lanes)))
        (local.set $sum0 (f32x4.add (local.get $sum0) (local.get $sum1)))
        (local.set $dot (f32.add
          (f32.add (f32x4.extract_lane 0 (local.get $sum0)) (f32x4.extract_lane 1 (local.get $sum0)))
          (f32.add (f32x4.extract_lane 2 (local.get $sum0)) (f32x4.extract_lane 3 (local.get $sum0)))))
        (block $rest_done
          (loop $rest
            (br_if $rest_done (i32.ge_u (local.get $d) (local.get $dims)))
            (local.set $dot (f32.add (local.get $dot) (f32.mul
              (f32.load (i32.add (local.get $query) (i32.shl (local.get $d) (i32.const 2))))
              (f32.load (i32.add (local.get $vectors) (i32.shl (local.get $d) (i32.const 2)))))))
            (local.set $d (i32.add (local.get $d) (i32.const 1)))
            (br $rest)))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2))) (local.get $dot))
        (local.set $vectors (i32.add (local.get $vectors) (i32.shl (local.get $dims) (i32.const 2))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each)))))
