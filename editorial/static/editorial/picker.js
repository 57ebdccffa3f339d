// The pop-up pickers of the rich-text editor (site links, library images): a click on an item
// hands it to the editor that opened the pop-up, then closes it.
"use strict";
document.addEventListener("click", (event) => {
    const choice = event.target.closest("[data-picker-choice]");
    if (!choice || !window.opener) return;
    event.preventDefault();
    const data = choice.dataset;
    if (data.pickerChoice === "link") {
        window.opener.rocaSiteLinkChosen(data.key, data.address, data.title);
    } else {
        // The figure dialog of django-prose-editor listens on CKEditor's call-back protocol.
        window.opener.CKEDITOR.tools.callFunction(data.key, data.address, {
            id: data.id,
            alternative_text: data.alt,
            caption: data.caption,
        });
    }
    window.close();
});
