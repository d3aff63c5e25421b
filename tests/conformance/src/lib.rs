//! The conformance suite: every case written once, generic over the `imagecapture` traits, run
//! against every backend (native with the fake camera here; browsers through
//! `wasm-bindgen-test`).
//!
//! A target implements [`Harness`] and expands [`for_each_case!`] into its test functions.

// Test code: a failed expectation is a panic with a message, by design.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

pub mod cases;
pub mod harness;

pub use cases::Outcome;
pub use harness::{Expectations, Faults, Harness};

/// Calls `$callback! { case, case, … }` with the name of every case in [`cases`], so a runner
/// turns each into a test of its own.
#[macro_export]
macro_rules! for_each_case {
    ($callback:ident) => {
        $callback! {
            track_attribute_is_the_track_passed_in,
            grab_frame_has_the_track_settings_size,
            two_grabs_give_different_pictures,
            back_to_back_grabs_never_repeat_a_frame,
            concurrent_grabs_all_settle,
            take_photo_default_is_an_image_of_the_track_size,
            take_photo_honours_an_in_range_width,
            take_photo_honours_width_and_height,
            take_photo_gives_png_on_request,
            take_photo_out_of_range_is_not_supported,
            take_photo_non_finite_size_is_a_type_error,
            take_photo_unsupported_settings_are_not_supported,
            photo_capabilities_are_well_formed,
            photo_settings_match_the_track,
            every_method_on_an_ended_track_is_invalid_state,
            every_method_on_a_disabled_track_is_invalid_state,
            stop_while_a_grab_is_pending_settles_it,
            stop_releases_the_camera,
            dropping_the_track_releases_the_camera,
            unplugging_ends_the_track,
            a_stalled_camera_makes_grab_frame_reject_in_bounded_time,
            a_stream_that_fails_to_start_recovers,
            a_panic_in_the_camera_backend_ends_the_track,
            a_photo_size_the_camera_refuses_is_scaled_from_the_track,
            impossible_exact_constraint_is_overconstrained,
            get_user_media_with_nothing_requested_is_a_type_error,
            a_busy_camera_is_not_readable,
            no_camera_is_not_found,
            impossible_apply_constraints_leaves_the_track_unchanged,
            apply_constraints_changes_the_size_and_grabs_follow,
            calls_in_flight_settle_when_the_track_stops,
            stop_goes_ahead_of_queued_photos,
            photo_calls_in_flight_when_the_track_stops_resolve_or_are_operation_errors,
            take_photo_accepts_what_get_photo_settings_gave,
            capabilities_are_consistent_with_settings,
            each_control_in_range_is_applied_and_shows_in_settings,
            out_of_range_exact_is_overconstrained_and_changes_nothing,
            an_unsatisfiable_advanced_set_is_skipped_whole,
            ideal_is_clamped_to_the_range_and_snapped_to_the_step,
            modes_switch_between_manual_and_continuous,
            a_required_control_the_camera_lacks_is_overconstrained_and_an_ideal_one_ignored,
            non_finite_control_values_are_type_errors_and_the_track_keeps_working,
            flash_without_a_torch_is_not_supported,
            flash_with_a_torch_lights_the_photo_and_restores_the_torch,
            zoom_brightness_and_exposure_show_in_the_pixels,
            digital_zoom_2x_shows_the_centre_of_the_frame_at_full_size
        }
    };
}
