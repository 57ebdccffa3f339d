// Shows the image chosen in the library's pop-up (or uploaded there) and removes it.
"use strict";
(function ($) {
    function show(chooser, data) {
        const chosen = chooser.querySelector(".image-chooser-chosen");
        chosen.querySelector("img").src = data ? data.thumbnail : "";
        chosen.querySelector("figcaption").textContent = data ? data.title : "";
        chosen.hidden = !data;
        chooser.querySelector(".image-chooser-none").hidden = Boolean(data);
        chooser.querySelector(".image-chooser-remove").hidden = !data;
    }

    $(document).on("change", ".image-chooser-input", function () {
        const chooser = this.closest(".image-chooser");
        if (!this.value) {
            show(chooser, null);
            return;
        }
        const url = chooser.dataset.chosenUrl.replace("/0/", "/" + encodeURIComponent(this.value) + "/");
        fetch(url, {credentials: "same-origin"})
            .then((response) => (response.ok ? response.json() : null))
            .then((data) => show(chooser, data));
    });

    $(document).on("click", ".image-chooser-remove", function () {
        const input = this.closest(".image-chooser").querySelector(".image-chooser-input");
        input.value = "";
        $(input).trigger("change");
    });
})(django.jQuery);
